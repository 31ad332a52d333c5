import { readSimCsv } from './sim-csv';

const HEADER = 'iccid,unique_name,eid,imei,rate_plan';
const ICCID_A = '89014103211118510720';
const ICCID_B = '8944500102198304826';
const EID = '89034011560010000000000000000121';

const csv = (...lines: string[]) => [HEADER, ...lines].join('\n') + '\n';

/** What a bad file is refused with: its first bad line and why. */
function refusal(text: string): string {
  try {
    readSimCsv(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the file was accepted');
}

describe('SIM import files', () => {
  it('read every column, blank cells as null, each row with its line', () => {
    expect(
      readSimCsv(
        csv(`${ICCID_A},tracker-1,${EID},352093081234567,WP-basic`, '', ` ${ICCID_B} ,,,,`),
      ),
    ).toEqual([
      {
        line: 2,
        iccid: ICCID_A,
        uniqueName: 'tracker-1',
        eId: EID,
        imei: '352093081234567',
        ratePlan: 'WP-basic',
      },
      { line: 4, iccid: ICCID_B, uniqueName: null, eId: null, imei: null, ratePlan: null },
    ]);
  });

  it('take a byte-order mark and CRLF line ends', () => {
    expect(readSimCsv(`\uFEFF${HEADER}\r\n${ICCID_A},,,,\r\n`)).toHaveLength(1);
  });

  it.each([
    [
      'another header',
      'iccid,name,eid,imei,rate_plan\n1,,,,\n',
      'line 1: the header must be exactly',
    ],
    ['columns in another order', 'unique_name,iccid,eid,imei,rate_plan\n', 'line 1: the header'],
    ['an empty file', '', 'line 1: the header must be exactly'],
    ['a header alone', `${HEADER}\n`, 'line 1: the file has no SIM after its header'],
  ])('refuse %s', (_case, text, message) => {
    expect(refusal(text)).toContain(message);
  });

  it.each([
    ['a blank iccid', [`,name,,,`], 'line 2: iccid is blank'],
    ['an iccid of the wrong form', ['12345,,,,'], 'line 2: iccid must be 18 to 22 digits'],
    ['a mistyped iccid', ['89014103211118510721,,,,'], 'line 2: iccid fails its check digit'],
    ['a row too short', [`${ICCID_A},,`], 'line 2: not readable as CSV'],
    ['a row too long', [`${ICCID_A},,,,,`], 'line 2: not readable as CSV'],
    ['an open quote', [`${ICCID_A},"name,,,`], 'not readable as CSV'],
    ['a 65-character unique name', [`${ICCID_A},${'n'.repeat(65)},,,`], 'at most 64 characters'],
    [
      'a SID-like unique name',
      [`${ICCID_A},DE${'a'.repeat(32)},,,`],
      'must not have the shape of a SID',
    ],
    ['a control character in a name', [`${ICCID_A},"a\u0007b",,,`], 'control characters'],
    ['an eid of 31 digits', [`${ICCID_A},,${EID.slice(1)},,`], 'line 2: eid must be 32 digits'],
    [
      'a mistyped eid',
      [`${ICCID_A},,${EID.slice(0, -1)}2,,`],
      'line 2: eid fails its check digits',
    ],
    ['a 51-character imei', [`${ICCID_A},,,${'3'.repeat(51)},`], 'line 2: imei must be'],
    ['an imei with a tab', [`${ICCID_A},,,"35\t2",`], 'line 2: imei must be'],
    [
      'an iccid twice',
      [`${ICCID_A},,,,`, `${ICCID_A},,,,`],
      `line 3: iccid ${ICCID_A} is on line 2 too`,
    ],
    [
      'a unique name twice',
      [`${ICCID_A},same,,,`, `${ICCID_B},same,,,`],
      'line 3: unique_name same is on line 2 too',
    ],
  ])('refuse %s, naming its line', (_case, lines, message) => {
    expect(refusal(csv(...lines))).toContain(message);
  });

  it('stop at the first bad line, counting blank lines', () => {
    expect(refusal(csv(`${ICCID_A},,,,`, '', 'bad,,,,', `${ICCID_A},,,,`))).toMatch(/^line 4: /);
  });

  it('say the line in the error details too', () => {
    expect(() => readSimCsv(csv('bad,,,,'))).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_ERROR',
        details: [{ index: 2, message: expect.stringContaining('iccid') as string }],
      }) as Error,
    );
  });
});

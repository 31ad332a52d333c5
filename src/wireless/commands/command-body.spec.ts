import {
  commandFromDevice,
  commandProblem,
  devicePayload,
  payloadBytes,
  textLimit,
} from './command-body';

const SID = `DC${'a'.repeat(32)}`;

describe('commandProblem', () => {
  it('takes 160 characters of text, counted as code points', () => {
    expect(commandProblem('x'.repeat(160), 'text', 'none')).toBeUndefined();
    expect(commandProblem('é'.repeat(160), 'text', 'none')).toBeUndefined();
    expect(commandProblem('🚚'.repeat(160), 'text', 'none')).toBeUndefined();
    expect(commandProblem('x'.repeat(161), 'text', 'none')).toEqual({
      parameter: 'Command',
      why: 'must be at most 160 characters (got 161)',
    });
  });

  it('leaves room for the SID and its space: 125 characters with IncludeSid start or end', () => {
    expect(textLimit('start')).toBe(125);
    for (const includeSid of ['start', 'end'] as const) {
      const longest = 'x'.repeat(125);
      expect(commandProblem(longest, 'text', includeSid)).toBeUndefined();
      expect(
        devicePayload({ sid: SID, command: longest, commandMode: 'text', includeSid }),
      ).toHaveLength(160);
      expect(commandProblem(`${longest}x`, 'text', includeSid)).toEqual({
        parameter: 'Command',
        why: `must be at most 125 characters with IncludeSid=${includeSid} (got 126)`,
      });
    }
  });

  it('refuses text PostgreSQL cannot store', () => {
    for (const unstorable of ['a\u0000b', 'a\uD800']) {
      expect(commandProblem(unstorable, 'text', 'none')).toEqual({
        parameter: 'Command',
        why: 'must not contain NUL or unpaired surrogates',
      });
    }
  });

  it('takes base64 of at most 140 bytes in binary mode, without IncludeSid', () => {
    const bytes = (n: number) => Buffer.alloc(n, 7).toString('base64');
    expect(commandProblem(bytes(140), 'binary', 'none')).toBeUndefined();
    expect(commandProblem(bytes(1), 'binary', 'none')).toBeUndefined();
    expect(commandProblem(bytes(141), 'binary', 'none')).toEqual({
      parameter: 'Command',
      why: 'must encode at most 140 bytes in binary mode (got 141)',
    });
    for (const notBase64 of ['hello!', 'AAA', 'AA=A', 'AB==CD==', 'aGk=\n']) {
      expect(commandProblem(notBase64, 'binary', 'none')).toEqual({
        parameter: 'Command',
        why: 'must be base64 in binary mode',
      });
    }
    expect(commandProblem(bytes(3), 'binary', 'start')).toEqual({
      parameter: 'IncludeSid',
      why: 'applies to text Commands only',
    });
  });
});

describe('devicePayload', () => {
  const text = { sid: SID, command: 'reboot now', commandMode: 'text' as const };

  it('puts the SID before or after the text, a space between', () => {
    expect(devicePayload({ ...text, includeSid: 'none' }).toString()).toBe('reboot now');
    expect(devicePayload({ ...text, includeSid: 'start' }).toString()).toBe(`${SID} reboot now`);
    expect(devicePayload({ ...text, includeSid: 'end' }).toString()).toBe(`reboot now ${SID}`);
  });

  it('sends a binary Command as its decoded bytes', () => {
    const bytes = Buffer.from([0, 1, 2, 254, 255]);
    expect(
      devicePayload({
        sid: SID,
        command: bytes.toString('base64'),
        commandMode: 'binary',
        includeSid: 'none',
      }),
    ).toEqual(bytes);
  });
});

describe('commandFromDevice', () => {
  it('keeps UTF-8 text exactly', () => {
    expect(commandFromDevice(Buffer.from('temp=21.5 ✓'))).toEqual({
      command: 'temp=21.5 ✓',
      commandMode: 'text',
      truncated: false,
    });
  });

  it('takes bytes that are not storable text as binary, in base64', () => {
    const bytes = Buffer.from([0xff, 0x00, 0x10]);
    expect(commandFromDevice(bytes)).toEqual({
      command: bytes.toString('base64'),
      commandMode: 'binary',
      truncated: false,
    });
    expect(commandFromDevice(Buffer.from('a\u0000b')).commandMode).toBe('binary');
  });

  it('takes the mode the transport tells', () => {
    expect(commandFromDevice(Buffer.from('hi'), 'binary')).toEqual({
      command: Buffer.from('hi').toString('base64'),
      commandMode: 'binary',
      truncated: false,
    });
  });

  it('cuts what is over the limits, as Twilio does', () => {
    expect(commandFromDevice(Buffer.from('🚚'.repeat(161)))).toEqual({
      command: '🚚'.repeat(160),
      commandMode: 'text',
      truncated: true,
    });
    const bytes = Buffer.alloc(141, 0xff);
    expect(commandFromDevice(bytes)).toEqual({
      command: bytes.subarray(0, 140).toString('base64'),
      commandMode: 'binary',
      truncated: true,
    });
  });
});

describe('payloadBytes', () => {
  it('reads text as UTF-8 and binary as base64, refusing what is neither', () => {
    expect(payloadBytes('héllo', 'text')).toEqual(Buffer.from('héllo'));
    expect(payloadBytes('AP8=', 'binary')).toEqual(Buffer.from([0, 255]));
    expect(payloadBytes('a\u0000', 'text')).toEqual({
      problem: 'must not contain NUL or unpaired surrogates',
    });
    expect(payloadBytes('not base64', 'binary')).toEqual({
      problem: 'must be base64 in binary mode',
    });
  });
});

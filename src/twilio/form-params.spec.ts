import { parseFormEncoded, type FormParams } from './form-encoding';
import {
  BooleanParam,
  DateTimeParam,
  EnumListParam,
  EnumParam,
  IntegerParam,
  StringParam,
  TextParam,
  UniqueNameParam,
  UrlParam,
  hasRequiredParams,
  readParams,
} from './form-params';
import { TwilioError } from './twilio-error';

class Base {
  @IntegerParam({ min: 1 })
  Size?: number;
}

class Example extends Base {
  @UniqueNameParam({ maxLength: 8, code: 33101 })
  UniqueName?: string;

  @StringParam({ maxLength: 5 })
  FriendlyName?: string;

  @BooleanParam()
  Enabled = true;

  @IntegerParam({ min: 0, max: 100, code: 33101 })
  Limit = 10;

  @EnumParam(['block', 'throttle'])
  Strategy?: string;

  @EnumListParam(['data', 'messaging'])
  Roaming?: string[];

  @UrlParam()
  CallbackUrl?: string;

  @DateTimeParam()
  Start?: Date;
}

class WithRequired {
  @StringParam({ maxLength: 10 })
  Optional?: string;

  @StringParam({ maxLength: 10, required: true })
  Command!: string;
}

class KeyValue {
  @StringParam({ maxLength: 6, pattern: { regexp: /^[a-z]+$/, why: 'must be lower-case letters' } })
  Name?: string;

  @TextParam({ maxLength: 4 })
  Body?: string;
}

const read = (params: FormParams) => readParams(Example, params);

function refusal(run: () => unknown): { code: number; message: string; status: number } {
  try {
    run();
  } catch (error) {
    if (error instanceof TwilioError) {
      return { code: error.code, message: error.message, status: error.status };
    }
    throw error;
  }
  throw new Error('nothing was refused');
}

describe('readParams', () => {
  it('reads every parameter as its rule says, and leaves the defaults of absent ones', () => {
    const params = read({
      Size: '3',
      UniqueName: 'plan-1',
      FriendlyName: 'Été',
      Enabled: 'FALSE',
      Strategy: 'throttle',
      Roaming: ['data', 'messaging'],
      CallbackUrl: 'https://example.com/cb?x=1',
      Start: '2015-07-30T20:00:00Z',
    });
    expect(params).toBeInstanceOf(Example);
    expect({ ...params }).toEqual({
      Size: 3,
      UniqueName: 'plan-1',
      FriendlyName: 'Été',
      Enabled: false,
      Limit: 10,
      Strategy: 'throttle',
      Roaming: ['data', 'messaging'],
      CallbackUrl: 'https://example.com/cb?x=1',
      Start: new Date('2015-07-30T20:00:00Z'),
    });
  });

  it('ignores parameters it does not declare, whatever their name', () => {
    const params = read(parseFormEncoded('Unknown=x&__proto__=y&constructor=z&enabled=nope'));
    expect(Object.getPrototypeOf(params)).toBe(Example.prototype);
    expect({ ...params }).toEqual({ Enabled: true, Limit: 10 });
  });

  it('takes a single value for a list', () => {
    expect(read({ Roaming: 'data' }).Roaming).toEqual(['data']);
  });

  it.each<[string, FormParams, number, string]>([
    ['an integer in words', { Limit: 'ten' }, 20001, 'Invalid parameter Limit: must be an integer'],
    ['a fraction', { Limit: '1.5' }, 20001, 'Invalid parameter Limit: must be an integer'],
    [
      'a huge integer',
      { Limit: '9'.repeat(40) },
      20001,
      'Invalid parameter Limit: must be an integer',
    ],
    [
      'an integer past its range',
      { Limit: '101' },
      33101,
      'Invalid parameter Limit: must be between 0 and 100',
    ],
    [
      'an integer below its range',
      { Limit: '-1' },
      33101,
      'Invalid parameter Limit: must be between 0 and 100',
    ],
    ['a base class parameter', { Size: '0' }, 20001, 'Invalid parameter Size: must be at least 1'],
    [
      'a boolean spelled otherwise',
      { Enabled: '1' },
      20001,
      'Invalid parameter Enabled: must be true or false',
    ],
    [
      'a scalar given twice',
      { Enabled: ['true', 'true'] },
      20001,
      'Invalid parameter Enabled: must be given once',
    ],
    [
      'an unknown enum value',
      { Strategy: 'BLOCK' },
      20001,
      'Invalid parameter Strategy: must be one of block, throttle',
    ],
    [
      'an unknown list value',
      { Roaming: ['data', 'sms'] },
      20001,
      'Invalid parameter Roaming: each must be one of data, messaging',
    ],
    [
      'a list value twice',
      { Roaming: ['data', 'data'] },
      20001,
      'Invalid parameter Roaming: must not list a value twice',
    ],
    [
      'a long unique name',
      { UniqueName: 'x'.repeat(9) },
      33101,
      'Invalid parameter UniqueName: must be at most 8 characters',
    ],
    [
      'an empty unique name',
      { UniqueName: '' },
      33101,
      'Invalid parameter UniqueName: must not be empty',
    ],
    [
      'a unique name shaped as a SID',
      { UniqueName: `WP${'a'.repeat(32)}` },
      33101,
      'Invalid parameter UniqueName: must not have the shape of a SID',
    ],
    [
      'a control character',
      { FriendlyName: 'a\u0000b' },
      20001,
      'Invalid parameter FriendlyName: must not contain control characters',
    ],
    [
      'a long string',
      { FriendlyName: 'abcdef' },
      20001,
      'Invalid parameter FriendlyName: must be at most 5 characters',
    ],
    [
      'a URL of another scheme',
      { CallbackUrl: 'ftp://example.com/' },
      20001,
      'Invalid parameter CallbackUrl: must be an absolute http or https URL',
    ],
    [
      'a relative URL',
      { CallbackUrl: '/callback' },
      20001,
      'Invalid parameter CallbackUrl: must be an absolute http or https URL',
    ],
    [
      'a date alone',
      { Start: '2015-07-30' },
      20001,
      'Invalid parameter Start: must be an ISO 8601 date-time such as 2015-07-30T20:00:00Z',
    ],
  ])('refuses %s with a 400 naming the parameter', (_case, params, code, message) => {
    expect(refusal(() => read(params))).toEqual({ code, message, status: 400 });
  });

  it('holds a string to its pattern, after its length, and keeps text exactly as sent', () => {
    expect({ ...readParams(KeyValue, { Name: 'abc', Body: 'a\r\n\t' }) }).toEqual({
      Name: 'abc',
      Body: 'a\r\n\t',
    });
    expect(refusal(() => readParams(KeyValue, { Name: 'a-b' })).message).toBe(
      'Invalid parameter Name: must be lower-case letters',
    );
    expect(refusal(() => readParams(KeyValue, { Name: 'A'.repeat(7) })).message).toBe(
      'Invalid parameter Name: must be at most 6 characters',
    );
  });

  it('counts the characters of text as PostgreSQL does (code points), and takes only storable text', () => {
    expect(readParams(KeyValue, { Body: '🚗🚗🚗🚗' }).Body).toBe('🚗🚗🚗🚗');
    for (const [body, why] of [
      ['🚗🚗🚗🚗🚗', 'must be at most 4 characters'],
      ['a\u0000b', 'must not contain NUL characters or unpaired surrogates'],
      ['a\uD800', 'must not contain NUL characters or unpaired surrogates'],
    ]) {
      expect(refusal(() => readParams(KeyValue, { Body: body })).message).toBe(
        `Invalid parameter Body: ${why}`,
      );
    }
  });

  it('names the first refused parameter, in the order declared', () => {
    expect(refusal(() => read({ Strategy: 'x', Size: 'x', Limit: 'x' })).message).toBe(
      'Invalid parameter Size: must be an integer',
    );
  });

  it('refuses an absent required parameter as Twilio does', () => {
    expect(refusal(() => readParams(WithRequired, { Optional: 'x' }))).toEqual({
      code: 20001,
      message: 'Missing required parameter Command in the post body',
      status: 400,
    });
    expect(readParams(WithRequired, { Command: 'hello' }).Command).toBe('hello');
  });

  it('tells classes with a required parameter from those without', () => {
    expect(hasRequiredParams(WithRequired)).toBe(true);
    expect(hasRequiredParams(Example)).toBe(false);
  });
});

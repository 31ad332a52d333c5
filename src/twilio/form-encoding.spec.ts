import { parseFormEncoded } from './form-encoding';
import { TwilioError } from './twilio-error';

describe('parseFormEncoded', () => {
  it('reads names and values, + as a space, percent-escapes as UTF-8', () => {
    expect({
      ...parseFormEncoded('UniqueName=my+plan&FriendlyName=%C3%A9t%C3%A9%20%F0%9F%9A%97'),
    }).toEqual({
      UniqueName: 'my plan',
      FriendlyName: 'été 🚗',
    });
  });

  it('makes a repeated name an array, in the order sent', () => {
    expect({ ...parseFormEncoded('A=data&B=1&A=messaging&A=voice') }).toEqual({
      A: ['data', 'messaging', 'voice'],
      B: '1',
    });
  });

  it('reads a name without = as an empty value and skips empty pairs', () => {
    expect({ ...parseFormEncoded('&A&&B=&C=%3D=') }).toEqual({ A: '', B: '', C: '==' });
    expect({ ...parseFormEncoded('') }).toEqual({});
  });

  it('keeps names that are properties of plain objects as parameters, with no prototype', () => {
    const params = parseFormEncoded('__proto__=x&constructor=y&toString=z');
    expect(Object.getPrototypeOf(params)).toBeNull();
    expect(Object.entries(params)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
      ['toString', 'z'],
    ]);
  });

  it.each(['A=%', 'A=%G1', 'A=%FF', 'A=%C3', 'A=%ED%A0%80', '%FF=1'])(
    'refuses %j (malformed or not UTF-8) with a 400 in the parameter family',
    (text) => {
      const thrown = (() => {
        try {
          parseFormEncoded(text, 'query string');
        } catch (error) {
          return error;
        }
      })();
      expect(thrown).toBeInstanceOf(TwilioError);
      expect((thrown as TwilioError).body).toEqual({
        code: 20001,
        message:
          'The request query string is not valid form encoding: a percent-escape is malformed or not UTF-8',
        more_info: 'https://www.twilio.com/docs/errors/20001',
        status: 400,
      });
    },
  );
});

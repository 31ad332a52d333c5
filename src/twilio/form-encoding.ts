import { TwilioError } from './twilio-error';

/** Parameters as a form body or query string carries them: a repeated name gives an array. */
export type FormParams = Record<string, string | string[]>;

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    throw new TwilioError(
      400,
      20001,
      `The request ${what} is not valid form encoding: a percent-escape is malformed or not UTF-8`,
    );
  }
}

/**
 * `application/x-www-form-urlencoded` text (a body, or a query string without its `?`) as
 * parameters: `+` is a space, percent-escapes are UTF-8 (strictly: an escape that is not UTF-8 is
 * a 400, never a U+FFFD in a stored value), a name given twice is an array in the order sent, and
 * empty pairs (`a=1&&b=2`) are skipped. The object has no prototype: a parameter named
 * `__proto__` or `constructor` is a parameter like any other.
 */
export function parseFormEncoded(text: string, what = 'body'): FormParams {
  const params: FormParams = Object.create(null) as FormParams;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = decode(equals < 0 ? pair : pair.slice(0, equals), what);
    const value = equals < 0 ? '' : decode(pair.slice(equals + 1), what);
    const previous = params[name];
    if (previous === undefined) params[name] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else params[name] = [previous, value];
  }
  return params;
}

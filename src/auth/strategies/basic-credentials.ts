export interface BasicCredentials {
  userId: string;
  password: string;
}

const BASIC = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i;
// RFC 7617: neither part may contain control characters (which also keeps NUL out of queries).
// eslint-disable-next-line no-control-regex -- control characters are exactly what it rules out
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The user-id and password of an `Authorization: Basic` header as RFC 7617 defines them: the
 * user-id ends at the first colon and the password is all that follows, colons included.
 * Undefined when the header is absent, of another scheme, or malformed.
 */
export function parseBasicAuthorization(header: string | undefined): BasicCredentials | undefined {
  const token = header === undefined ? undefined : BASIC.exec(header)?.[1];
  if (token === undefined) return undefined;
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1 || colon === decoded.length - 1 || CONTROL.test(decoded)) return undefined;
  return { userId: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

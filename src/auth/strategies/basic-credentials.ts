import { PRINTABLE_TEXT } from '../../common/validation/storable-text';

export interface BasicCredentials {
  userId: string;
  password: string;
}

const BASIC = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i;

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
  // RFC 7617: neither part may hold a control character (which also keeps NUL out of queries).
  if (colon < 1 || colon === decoded.length - 1 || !PRINTABLE_TEXT.test(decoded)) return undefined;
  return { userId: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

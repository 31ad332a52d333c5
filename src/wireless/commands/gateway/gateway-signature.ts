import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How FleetHub and the HTTP gateway prove their requests to each other: HMAC-SHA256, under
 * COMMANDS_HTTP_GATEWAY_SECRET, of the timestamp, a dot and the body's exact bytes. The timestamp
 * (Unix seconds) is signed with the body, so a captured request replays only within the tolerance.
 */
export const TIMESTAMP_HEADER = 'X-FleetHub-Timestamp';
export const SIGNATURE_HEADER = 'X-FleetHub-Signature';
export const TIMESTAMP_TOLERANCE_SECONDS = 300;

const SCHEME = 'sha256=';
const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^sha256=[0-9a-f]{64}$/;

function digest(secret: string, timestamp: string, body: Buffer): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}

/** The two headers of a request whose body is `body`, signed at `nowMs`. */
export function signatureHeaders(
  secret: string,
  body: Buffer,
  nowMs: number,
): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: SCHEME + digest(secret, timestamp, body).toString('hex'),
  };
}

/**
 * Why the signature headers cannot be those of a fresh request, or undefined: what can be told
 * before reading the body.
 */
export function signatureHeadersProblem(
  timestamp: string | undefined,
  signature: string | undefined,
  nowMs: number,
): string | undefined {
  if (!timestamp || !signature) return `${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER} are required`;
  if (!TIMESTAMP.test(timestamp)) return `${TIMESTAMP_HEADER} must be Unix seconds`;
  if (!SIGNATURE.test(signature)) return `${SIGNATURE_HEADER} must be sha256=<64 hex digits>`;
  const skew = Math.abs(nowMs / 1000 - Number(timestamp));
  return skew > TIMESTAMP_TOLERANCE_SECONDS
    ? `${TIMESTAMP_HEADER} is more than ${TIMESTAMP_TOLERANCE_SECONDS} s away from the server's clock`
    : undefined;
}

/** Whether `signature` (well-formed, see above) signs `timestamp` and `body` under `secret`. */
export function signatureMatches(
  secret: string,
  timestamp: string,
  signature: string,
  body: Buffer,
): boolean {
  const given = Buffer.from(signature.slice(SCHEME.length), 'hex');
  return timingSafeEqual(given, digest(secret, timestamp, body));
}

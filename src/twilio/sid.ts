import { randomBytes } from 'node:crypto';

/**
 * Twilio SIDs: a two-letter prefix naming the kind of resource (`DE` Sim, `WP` RatePlan, `KA`
 * App, ...) and 32 hex digits, random (128 bits, so that one can neither be guessed nor counted).
 */
export function newSid(prefix: string): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

/** Whether `value` is a SID of `prefix`, by the spec's pattern `^XX[0-9a-fA-F]{32}$`. */
export function isSid(prefix: string, value: string): boolean {
  return (
    value.length === 34 && value.startsWith(prefix) && /^[0-9a-fA-F]{32}$/.test(value.slice(2))
  );
}

/** Whether `value` has the shape of any SID: two capital letters and 32 hex digits. */
export function looksLikeSid(value: string): boolean {
  return /^[A-Z]{2}[0-9a-fA-F]{32}$/.test(value);
}

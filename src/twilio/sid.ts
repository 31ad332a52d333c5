import { randomBytes } from 'node:crypto';
import { PRINTABLE_TEXT } from '../common/validation/storable-text';

/** The random bytes of a SID: 128 bits, so that one can neither be guessed nor counted. */
const SID_BYTES = 16;

/**
 * Twilio SIDs: a two-letter prefix naming the kind of resource (`DE` Sim, `WP` RatePlan, `KA`
 * App, ...) and 32 hex digits, random.
 */
export function newSid(prefix: string): string {
  return newSids(prefix, 1)[0];
}

/**
 * `count` SIDs of `prefix`, each as random as one from `newSid`, from a single draw of the
 * generator: where SIDs are made by the thousand (a usage flush takes one per row), one call to
 * it rather than one per SID.
 */
export function newSids(prefix: string, count: number): string[] {
  const hex = randomBytes(SID_BYTES * count).toString('hex');
  const digits = SID_BYTES * 2;
  return Array.from(
    { length: count },
    (_, index) => `${prefix}${hex.slice(index * digits, (index + 1) * digits)}`,
  );
}

/** Whether `value` is a SID of `prefix`, by the spec's pattern `^XX[0-9a-fA-F]{32}$`. */
export function isSid(prefix: string, value: string): boolean {
  return (
    value.length === 34 && value.startsWith(prefix) && /^[0-9a-fA-F]{32}$/.test(value.slice(2))
  );
}

/** A SID of `prefix` as SIDs are made (its hex digits in lower case); undefined for anything else. */
export function canonicalSid(prefix: string, value: string): string | undefined {
  return isSid(prefix, value) ? `${prefix}${value.slice(2).toLowerCase()}` : undefined;
}

/** Whether `value` has the shape of any SID: two capital letters and 32 hex digits. */
export function looksLikeSid(value: string): boolean {
  return /^[A-Z]{2}[0-9a-fA-F]{32}$/.test(value);
}

/** What a path names a resource by: its SID, or its unique name. */
export type ResourceAddress = { sid: string } | { uniqueName: string };

/**
 * How a path segment addresses a resource of `prefix` where the spec allows a SID or a unique
 * name: a value in the shape of a SID of `prefix` is that SID (its hex digits in lower case, as
 * SIDs are made), anything else a unique name. Undefined when no resource can have it (longer
 * than `maxNameLength`, control characters): a 404 with no query.
 */
export function resourceAddress(
  prefix: string,
  value: string,
  maxNameLength: number,
): ResourceAddress | undefined {
  const sid = canonicalSid(prefix, value);
  if (sid) return { sid };
  if (value === '' || value.length > maxNameLength || !PRINTABLE_TEXT.test(value)) return undefined;
  return { uniqueName: value };
}

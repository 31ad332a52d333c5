/**
 * The rules of a telemetry point beyond JSON types, shared by the compiled hot-path validator and
 * the class-validator DTO so the two cannot drift apart.
 */

/** ISO 8601 local date-time, no zone: `2026-04-04T14:30:00`, optionally with a fraction. */
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?$/;
const DECIMAL = /^-?\d{1,3}(\.\d{1,20})?$/;
const NON_NEGATIVE_DECIMAL = /^\d{1,30}(\.\d{1,30})?$/;

/** How far ahead of the server's clock a point's datetime may lie (device clock skew). */
export const MAX_FUTURE_SKEW_MS = 10 * 60 * 1000;

export const DATETIME_FORMAT_MESSAGE =
  'must be an ISO 8601 date-time without a timezone, like "2026-04-04T14:30:00" (UTC is assumed)';

/** Parses a point's datetime as UTC; undefined when it is not the expected form or not a real instant. */
export function parsePointDatetime(value: string): Date | undefined {
  const match = DATETIME.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const millis = match[7] ? Number(match[7].slice(1, 4).padEnd(3, '0')) : 0;
  const instant = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  // Date.UTC rolls over (Feb 30 → Mar 2, 24:00 → next day): a real instant reads back unchanged.
  const real =
    year >= 1970 &&
    instant.getUTCMonth() === month - 1 &&
    instant.getUTCDate() === day &&
    instant.getUTCHours() === hour &&
    instant.getUTCMinutes() === minute &&
    instant.getUTCSeconds() === second;
  return real ? instant : undefined;
}

/** Why a datetime is unacceptable, or undefined when it is fine. */
export function datetimeProblem(value: string, now: number): string | undefined {
  const instant = parsePointDatetime(value);
  if (!instant) {
    return /(Z|[+-]\d{2}:?\d{2})$/.test(value)
      ? `must not carry a timezone: send "${value.replace(/(Z|[+-]\d{2}:?\d{2})$/, '')}" (UTC is assumed)`
      : DATETIME_FORMAT_MESSAGE;
  }
  if (instant.getTime() > now + MAX_FUTURE_SKEW_MS) {
    return 'must not be more than 10 minutes in the future';
  }
  return undefined;
}

export function isCoordinate(value: string, limit: 90 | 180): boolean {
  return DECIMAL.test(value) && Math.abs(Number(value)) <= limit;
}

export function isNonNegativeDecimal(value: string): boolean {
  return NON_NEGATIVE_DECIMAL.test(value);
}

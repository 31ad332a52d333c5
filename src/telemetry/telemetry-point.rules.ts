import { deviceTimeProblem } from '../common/validation/device-time';
import type { DeviceTimeWindow } from '../config/app-config';

/**
 * The rules of a telemetry point beyond JSON types, shared by the compiled hot-path validator and
 * the class-validator DTO so the two cannot drift apart.
 */

/** ISO 8601 local date-time, no zone: `2026-04-04T14:30:00`, optionally with a fraction. */
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?$/;
const DECIMAL = /^-?\d{1,3}(\.\d{1,20})?$/;
const NON_NEGATIVE_DECIMAL = /^\d{1,30}(\.\d{1,30})?$/;

export const DATETIME_FORMAT_MESSAGE =
  'must be an ISO 8601 date-time without a timezone, like "2026-04-04T14:30:00" (UTC is assumed)';

/** The number written in `value` from `start` to `end` (ASCII digits, already matched). */
function digitsAt(value: string, start: number, end: number): number {
  let number = 0;
  for (let i = start; i < end; i++) number = number * 10 + value.charCodeAt(i) - 48;
  return number;
}

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * A point's datetime as UTC epoch milliseconds; undefined when it is not the expected form or not a
 * real calendar instant (Feb 30, 24:00). Runs for every point of every batch, so it reads the
 * digits in place instead of building intermediate strings and Dates.
 */
export function parsePointDatetime(value: string): number | undefined {
  if (!DATETIME.test(value)) return undefined;
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 7);
  const day = digitsAt(value, 8, 10);
  const hour = digitsAt(value, 11, 13);
  const minute = digitsAt(value, 14, 16);
  const second = digitsAt(value, 17, 19);
  const daysInMonth = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  // Milliseconds from the first three digits of the fraction; finer digits are kept in the text.
  const fraction = value.length > 20 ? value.slice(20, 23).padEnd(3, '0') : '';
  const millis = fraction ? digitsAt(fraction, 0, 3) : 0;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis);
}

/** Why a datetime is unacceptable (its form, or outside the device-time window), or undefined. */
export function datetimeProblem(
  value: string,
  now: number,
  window: DeviceTimeWindow,
): string | undefined {
  const instant = parsePointDatetime(value);
  if (instant === undefined) {
    return /(Z|[+-]\d{2}:?\d{2})$/.test(value)
      ? `must not carry a timezone: send "${value.replace(/(Z|[+-]\d{2}:?\d{2})$/, '')}" (UTC is assumed)`
      : DATETIME_FORMAT_MESSAGE;
  }
  return deviceTimeProblem(instant, now, window);
}

export function isCoordinate(value: string, limit: 90 | 180): boolean {
  return DECIMAL.test(value) && Math.abs(Number(value)) <= limit;
}

export function isNonNegativeDecimal(value: string): boolean {
  return NON_NEGATIVE_DECIMAL.test(value);
}

/** A time as Twilio's JSON writes it: ISO 8601 in UTC, whole seconds (`2015-07-30T20:00:00Z`). */
export function twilioDate(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * ISO 8601 date-times as Twilio's parameters take them: a date, a time to the second (a fraction
 * allowed), and `Z` or an offset. twilio-node sends `2015-07-30T20:00:00Z`.
 */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * The instant a date-time parameter names, or undefined when it is not one (including a calendar
 * date that does not exist, such as February 30th, which `Date` would roll over into March).
 */
export function parseTwilioDate(value: string): Date | undefined {
  const match = DATE_TIME.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const offset = match[8].toUpperCase();
  if (offset !== 'Z' && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4)) > 59)) {
    return undefined;
  }
  const calendar = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (
    calendar.getUTCFullYear() !== year ||
    calendar.getUTCMonth() !== month - 1 ||
    calendar.getUTCDate() !== day ||
    calendar.getUTCHours() !== hour ||
    calendar.getUTCMinutes() !== minute ||
    calendar.getUTCSeconds() !== second
  ) {
    return undefined;
  }
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

/**
 * The monthly partitions of `positions`: `positions_YYYY_MM` holds device times from the first of
 * the month (UTC) up to the first of the next; `positions_default` takes a row of any month
 * without a partition of its own, so no point is ever refused for its time. Which months have a
 * partition is decided by the calendar (a window around the current month), never by the device
 * times stored: no input can multiply the partitions every query plans over.
 */
export const POSITIONS_DEFAULT_PARTITION = 'positions_default';

export interface MonthPartition {
  /** e.g. `positions_2026_04` */
  name: string;
  /** ISO 8601 UTC bounds, `from` included, `to` excluded. */
  from: string;
  to: string;
}

/** A month as `YYYY-MM`, the form `to_char(… AT TIME ZONE 'UTC', 'YYYY-MM')` gives. */
export type Month = string;

const MONTH = /^(\d{4})-(\d{2})$/;
const PARTITION = /^positions_(\d{4})_(\d{2})$/;

/**
 * The partition of a month; undefined for a year outside 0001-9998 (rows of those stay in the
 * default partition: a bound past 9999 is not a four-digit year).
 */
export function monthPartition(month: Month): MonthPartition | undefined {
  const match = MONTH.exec(month);
  if (!match) return undefined;
  const [year, monthOfYear] = [Number(match[1]), Number(match[2])];
  if (year < 1 || year > 9998 || monthOfYear < 1 || monthOfYear > 12) return undefined;
  return {
    name: `positions_${match[1]}_${match[2]}`,
    from: utcMonthStart(year, monthOfYear - 1),
    to: utcMonthStart(year, monthOfYear),
  };
}

/** The month a partition holds, from its name; undefined for any other table. */
export function monthOfPartition(name: string): Month | undefined {
  const match = PARTITION.exec(name);
  return match ? `${match[1]}-${match[2]}` : undefined;
}

/** The month of an instant, in UTC. */
export function monthOf(instant: Date): Month {
  return instant.toISOString().slice(0, 7);
}

/** `count` months from the month of `instant` on, that one included. */
export function monthsFrom(instant: Date, count: number): Month[] {
  return monthsAround(instant, 0, count - 1);
}

/** The month of `instant` with the `before` months before it and the `after` months after it. */
export function monthsAround(instant: Date, before: number, after: number): Month[] {
  const year = instant.getUTCFullYear();
  const month = instant.getUTCMonth();
  return Array.from({ length: before + 1 + after }, (_, offset) =>
    utcMonthStart(year, month - before + offset).slice(0, 7),
  );
}

/** `Date.UTC` for the first of a month (months past December roll into later years). */
function utcMonthStart(year: number, monthIndex: number): string {
  const start = new Date(Date.UTC(2000, monthIndex, 1));
  start.setUTCFullYear(year + start.getUTCFullYear() - 2000);
  return start.toISOString();
}

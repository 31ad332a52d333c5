export const GRANULARITIES = ['hourly', 'daily', 'all'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** A span of time, `start` included, `end` excluded. */
export interface Period {
  start: Date;
  end: Date;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const floorTo = (time: number, unit: number) => time - (((time % unit) + unit) % unit);
const ceilTo = (time: number, unit: number) => -floorTo(-time, unit);

/** The same time of day, one calendar month earlier (the 31st of March: the 28th or 29th of February). */
export function monthBefore(date: Date): Date {
  const earlier = new Date(date);
  // Day 0 of this month: the last day of the month before (setUTCFullYear takes any year as it is).
  earlier.setUTCFullYear(date.getUTCFullYear(), date.getUTCMonth(), 0);
  earlier.setUTCDate(Math.min(date.getUTCDate(), earlier.getUTCDate()));
  return earlier;
}

/**
 * The period a UsageRecords query covers. End defaults to `now` and Start to one month before End,
 * as Twilio documents. Usage is stored per hour, so the period is widened to whole hours: Start
 * back to its hour, End on to the end of its hour (an End on the hour stays there). The records
 * say the widened period, which is exactly what they count. Undefined when Start is after End.
 */
export function usagePeriod(query: { start?: Date; end?: Date }, now: Date): Period | undefined {
  const end = query.end ?? now;
  const start = query.start ?? monthBefore(end);
  if (start > end) return undefined;
  return {
    start: new Date(floorTo(start.getTime(), HOUR_MS)),
    end: new Date(ceilTo(end.getTime(), HOUR_MS)),
  };
}

/**
 * The records of a period, one per bucket: `hourly`, each hour; `daily`, each UTC day (the first
 * and last cut to the period); `all`, the whole period. A record is named by its bucket's start.
 */
export class UsageBuckets {
  constructor(
    readonly period: Period,
    readonly granularity: Granularity,
  ) {}

  /** Whether `instant` starts one of the period's buckets (a page token's key must). */
  isBucketStart(instant: Date): boolean {
    const time = instant.getTime();
    const { start, end } = this.period;
    return (
      time === start.getTime() ||
      (time > start.getTime() && time < end.getTime() && this.startOf(instant).getTime() === time)
    );
  }

  /** The start of the bucket holding `instant`, which lies in the period. */
  startOf(instant: Date): Date {
    const time = instant.getTime();
    switch (this.granularity) {
      case 'hourly':
        return new Date(floorTo(time, HOUR_MS));
      case 'daily':
        return new Date(Math.max(floorTo(time, DAY_MS), this.period.start.getTime()));
      case 'all':
        return this.period.start;
    }
  }

  /** The bucket that starts at `start`. */
  bucket(start: Date): Period {
    const time = start.getTime();
    const end =
      this.granularity === 'hourly'
        ? time + HOUR_MS
        : this.granularity === 'daily'
          ? Math.min(floorTo(time, DAY_MS) + DAY_MS, this.period.end.getTime())
          : this.period.end.getTime();
    return { start, end: new Date(end) };
  }

  /**
   * Up to `count` buckets in time order: the first ones, those after the bucket starting at
   * `after`, or those before the bucket starting at `before`.
   */
  page(count: number, from: { after?: Date; before?: Date } = {}): Period[] {
    const buckets: Period[] = [];
    if (from.before) {
      for (let end = from.before; buckets.length < count && end > this.period.start;) {
        const bucket = this.bucket(this.startOf(new Date(end.getTime() - 1)));
        buckets.unshift(bucket);
        end = bucket.start;
      }
      return buckets;
    }
    let start = from.after ? this.bucket(from.after).end : this.period.start;
    // `all` is one record even for an empty period (Start and End in the same instant).
    if (this.granularity === 'all' && !from.after) return [this.bucket(start)];
    while (buckets.length < count && start < this.period.end) {
      const bucket = this.bucket(start);
      buckets.push(bucket);
      start = bucket.end;
    }
    return buckets;
  }
}

import { UsageBuckets, monthBefore, usagePeriod, type Period } from './usage-periods';

const at = (iso: string) => new Date(iso);
const text = ({ start, end }: Period) => `${start.toISOString()} ${end.toISOString()}`;
const period = (start: string, end: string): Period => ({ start: at(start), end: at(end) });

describe('usagePeriod', () => {
  const now = at('2026-04-04T14:35:10.250Z');

  it('ends now and starts a calendar month before the end by default', () => {
    expect(text(usagePeriod({}, now)!)).toBe('2026-03-04T14:00:00.000Z 2026-04-04T15:00:00.000Z');
    expect(text(usagePeriod({ end: at('2026-02-10T06:00:00Z') }, now)!)).toBe(
      '2026-01-10T06:00:00.000Z 2026-02-10T06:00:00.000Z',
    );
  });

  it('widens Start and End to whole hours; an End on the hour stays there', () => {
    const query = { start: at('2026-04-01T10:30:00Z'), end: at('2026-04-02T08:00:00Z') };
    expect(text(usagePeriod(query, now)!)).toBe(
      '2026-04-01T10:00:00.000Z 2026-04-02T08:00:00.000Z',
    );
    const inside = { start: at('2026-04-01T10:00:00Z'), end: at('2026-04-01T10:00:00.001Z') };
    expect(text(usagePeriod(inside, now)!)).toBe(
      '2026-04-01T10:00:00.000Z 2026-04-01T11:00:00.000Z',
    );
  });

  it('has none when Start is after End', () => {
    expect(
      usagePeriod({ start: at('2026-04-02T00:00:00Z'), end: at('2026-04-01T00:00:00Z') }, now),
    ).toBeUndefined();
    expect(usagePeriod({ start: at('2026-04-05T00:00:00Z') }, now)).toBeUndefined();
  });
});

describe('monthBefore', () => {
  it.each([
    ['2026-04-04T14:35:10.250Z', '2026-03-04T14:35:10.250Z'],
    ['2026-03-31T23:00:00.000Z', '2026-02-28T23:00:00.000Z'],
    ['2028-03-30T00:00:00.000Z', '2028-02-29T00:00:00.000Z'],
    ['2026-01-15T08:00:00.000Z', '2025-12-15T08:00:00.000Z'],
    ['0048-03-31T12:00:00.000Z', '0048-02-29T12:00:00.000Z'],
  ])('%s -> %s', (date, expected) => {
    expect(monthBefore(at(date)).toISOString()).toBe(expected);
  });
});

describe('UsageBuckets', () => {
  const span = period('2026-04-01T22:00:00Z', '2026-04-04T03:00:00Z');

  it('hourly: one bucket per hour of the period', () => {
    const buckets = new UsageBuckets(span, 'hourly');
    const all = buckets.page(1000);
    expect(all).toHaveLength(53);
    expect(text(all[0])).toBe('2026-04-01T22:00:00.000Z 2026-04-01T23:00:00.000Z');
    expect(text(all[52])).toBe('2026-04-04T02:00:00.000Z 2026-04-04T03:00:00.000Z');
    expect(buckets.startOf(at('2026-04-02T05:59:59.999Z')).toISOString()).toBe(
      '2026-04-02T05:00:00.000Z',
    );
  });

  it('daily: UTC days, the first and the last cut to the period', () => {
    const buckets = new UsageBuckets(span, 'daily');
    expect(buckets.page(10).map(text)).toEqual([
      '2026-04-01T22:00:00.000Z 2026-04-02T00:00:00.000Z',
      '2026-04-02T00:00:00.000Z 2026-04-03T00:00:00.000Z',
      '2026-04-03T00:00:00.000Z 2026-04-04T00:00:00.000Z',
      '2026-04-04T00:00:00.000Z 2026-04-04T03:00:00.000Z',
    ]);
    expect(buckets.startOf(at('2026-04-01T23:30:00Z')).toISOString()).toBe(
      '2026-04-01T22:00:00.000Z',
    );
    expect(buckets.startOf(at('2026-04-03T23:30:00Z')).toISOString()).toBe(
      '2026-04-03T00:00:00.000Z',
    );
  });

  it('all: one bucket, the whole period, even an empty one', () => {
    expect(new UsageBuckets(span, 'all').page(10).map(text)).toEqual([text(span)]);
    const empty = period('2026-04-01T22:00:00Z', '2026-04-01T22:00:00Z');
    expect(new UsageBuckets(empty, 'all').page(10).map(text)).toEqual([text(empty)]);
    expect(new UsageBuckets(empty, 'hourly').page(10)).toEqual([]);
    expect(new UsageBuckets(span, 'all').startOf(at('2026-04-03T12:00:00Z'))).toEqual(span.start);
  });

  it('pages forward after a bucket start and back before one, each page the buckets in time order', () => {
    const buckets = new UsageBuckets(span, 'hourly');
    const first = buckets.page(20);
    const second = buckets.page(20, { after: first[19].start });
    const third = buckets.page(20, { after: second[19].start });
    expect(second[0].start.toISOString()).toBe('2026-04-02T18:00:00.000Z');
    expect(third).toHaveLength(13);
    expect(buckets.page(20, { after: third[12].start })).toEqual([]);
    expect([...first, ...second, ...third]).toEqual(buckets.page(1000));
    expect(buckets.page(20, { before: third[0].start })).toEqual(second);
    expect(buckets.page(20, { before: second[0].start })).toEqual(first);
    expect(buckets.page(20, { before: first[0].start })).toEqual([]);
  });

  it('knows the starts of its buckets, and nothing else', () => {
    const daily = new UsageBuckets(span, 'daily');
    for (const bucket of daily.page(10)) expect(daily.isBucketStart(bucket.start)).toBe(true);
    for (const odd of ['2026-04-01T23:00:00Z', '2026-04-04T03:00:00Z', '2026-04-01T00:00:00Z']) {
      expect(daily.isBucketStart(at(odd))).toBe(false);
    }
    const hourly = new UsageBuckets(span, 'hourly');
    expect(hourly.isBucketStart(at('2026-04-02T05:00:00Z'))).toBe(true);
    expect(hourly.isBucketStart(at('2026-04-02T05:30:00Z'))).toBe(false);
  });

  it('pages daily buckets both ways across the cut first day', () => {
    const buckets = new UsageBuckets(span, 'daily');
    const [first, second, third, fourth] = buckets.page(10);
    expect(buckets.page(2, { after: first.start })).toEqual([second, third]);
    expect(buckets.page(2, { before: fourth.start })).toEqual([second, third]);
    expect(buckets.page(5, { before: third.start })).toEqual([first, second]);
  });
});

import { isoFromMicros } from './iso-from-micros';

describe('isoFromMicros', () => {
  it('writes milliseconds, and microseconds only when there are some', () => {
    expect(isoFromMicros('1775313000000000')).toBe('2026-04-04T14:30:00.000Z');
    expect(isoFromMicros('1775313000123000')).toBe('2026-04-04T14:30:00.123Z');
    expect(isoFromMicros('1775313000123456')).toBe('2026-04-04T14:30:00.123456Z');
    expect(isoFromMicros('1775313000000001')).toBe('2026-04-04T14:30:00.000001Z');
  });

  it('handles times before 1970', () => {
    expect(isoFromMicros('-1')).toBe('1969-12-31T23:59:59.999999Z');
    expect(isoFromMicros('-1000')).toBe('1969-12-31T23:59:59.999Z');
  });

  it('agrees with Date from before year 0 to after 9999', () => {
    const first = Date.UTC(-1000, 0, 1);
    const last = Date.UTC(12_000, 0, 1);
    // A week less a millisecond a step: every weekday, month and leap rule, and many times of day.
    for (let ms = first; ms <= last; ms += 7 * 86_400_000 - 1) {
      const expected = new Date(ms).toISOString();
      const written = isoFromMicros(`${ms}000`);
      if (written !== expected) expect(written).toBe(expected);
    }
  });

  it('keeps every microsecond of times past 2^53 µs', () => {
    expect(isoFromMicros('253402300799999999')).toBe('9999-12-31T23:59:59.999999Z');
    expect(isoFromMicros('-62167219200000001')).toBe('-000001-12-31T23:59:59.999999Z');
  });
});

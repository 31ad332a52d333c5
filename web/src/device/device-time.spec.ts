import { instantMicros, lastAtOrBefore } from './device-time';

describe('instantMicros', () => {
  const second = Date.parse('2026-04-04T10:30:15Z') * 1000;

  it('reads a time with milliseconds, or none, as whole milliseconds', () => {
    expect(instantMicros('2026-04-04T10:30:15Z')).toBe(second);
    expect(instantMicros('2026-04-04T10:30:15.123Z')).toBe(second + 123_000);
    expect(instantMicros('2026-04-04T10:30:15.5Z')).toBe(second + 500_000);
  });

  it('keeps the microseconds a device sent', () => {
    expect(instantMicros('2026-04-04T10:30:15.123456Z')).toBe(second + 123_456);
    expect(instantMicros('2026-04-04T10:30:15.12345Z')).toBe(second + 123_450);
  });

  it('orders two instants of the same millisecond', () => {
    const earlier = instantMicros('2026-04-04T10:30:15.123001Z');
    const later = instantMicros('2026-04-04T10:30:15.123999Z');
    expect(earlier).toBeLessThan(later);
    expect(instantMicros('2026-04-04T10:30:15.123Z')).toBeLessThan(earlier);
  });
});

describe('lastAtOrBefore', () => {
  const sorted = [10, 20, 20, 30];

  it('is -1 when every value is greater, or there is none', () => {
    expect(lastAtOrBefore(sorted, 9)).toBe(-1);
    expect(lastAtOrBefore([], 100)).toBe(-1);
  });

  it('is the index of an equal value, the last of equals', () => {
    expect(lastAtOrBefore(sorted, 10)).toBe(0);
    expect(lastAtOrBefore(sorted, 20)).toBe(2);
    expect(lastAtOrBefore(sorted, 30)).toBe(3);
  });

  it('is the last value before one that falls between, or after all', () => {
    expect(lastAtOrBefore(sorted, 15)).toBe(0);
    expect(lastAtOrBefore(sorted, 29)).toBe(2);
    expect(lastAtOrBefore(sorted, 1000)).toBe(3);
  });

  it('agrees with a linear search on a long list', () => {
    const values = Array.from({ length: 200 }, (_, i) => i * 3 + (i % 7 === 0 ? 0 : 1));
    for (let probe = -2; probe < 610; probe += 1) {
      const expected = values.findLastIndex((value) => value <= probe);
      expect(lastAtOrBefore(values, probe)).toBe(expected);
    }
  });
});

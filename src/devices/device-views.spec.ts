import { isoFromMicros } from './device-views';
import { decodeCursor, encodeCursor } from './keyset-cursor';

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

describe('keyset cursors', () => {
  const anyKey = () => true;

  it('carry their key back', () => {
    const cursor = encodeCursor('positions', ['2026-04-04T14:30:00.000Z', '101']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor('positions', cursor, 2, anyKey)).toEqual([
      '2026-04-04T14:30:00.000Z',
      '101',
    ]);
  });

  it.each([
    ['not base64url', '!!!'],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['another listing', encodeCursor('events', ['2026-04-04T14:30:00.000Z', 'X'])],
    ['the wrong arity', encodeCursor('positions', ['2026-04-04T14:30:00.000Z'])],
    ['a non-string key', Buffer.from('["positions",1,"101"]').toString('base64url')],
    ['too long', 'A'.repeat(600)],
  ])('refuse %s with VALIDATION_ERROR on `cursor`', (_case, cursor) => {
    expect(() => decodeCursor('positions', cursor, 2, anyKey)).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_ERROR',
        details: [expect.objectContaining({ field: 'cursor' })],
      }) as Error,
    );
  });

  it('refuse keys the listing finds invalid', () => {
    const cursor = encodeCursor('devices', ['x']);
    expect(() => decodeCursor('devices', cursor, 1, () => false)).toThrow('The request is invalid');
  });
});

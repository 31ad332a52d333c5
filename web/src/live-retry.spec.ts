import { DEFAULT_RETRY_MS, reconnectDelay, retryAfterMs } from './live-retry';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-04-04T10:30:00Z');

  it('is undefined without a header, or with one it cannot read', () => {
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('', now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });

  it('reads seconds, never below zero', () => {
    expect(retryAfterMs('5', now)).toBe(5000);
    expect(retryAfterMs('0', now)).toBe(0);
    expect(retryAfterMs('1.5', now)).toBe(1500);
    expect(retryAfterMs('-3', now)).toBe(0);
  });

  it('reads an HTTP date as the time until then, never below zero', () => {
    expect(retryAfterMs('Sat, 04 Apr 2026 10:30:12 GMT', now)).toBe(12_000);
    expect(retryAfterMs('Sat, 04 Apr 2026 10:29:00 GMT', now)).toBe(0);
  });
});

describe('reconnectDelay', () => {
  it('waits the retry delay after a stream that ended, and after a first failure', () => {
    expect(reconnectDelay(DEFAULT_RETRY_MS, 0)).toBe(2000);
    expect(reconnectDelay(DEFAULT_RETRY_MS, 1)).toBe(2000);
    expect(reconnectDelay(500, 1)).toBe(500);
  });

  it('doubles the delay for each failure in a row, up to 30 s', () => {
    expect([2, 3, 4, 5, 6, 50].map((failures) => reconnectDelay(2000, failures))).toEqual([
      4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
    expect(reconnectDelay(500, 3)).toBe(2000);
  });

  it("takes the server's Retry-After as it is, whatever the failures", () => {
    expect(reconnectDelay(2000, 5, 0)).toBe(0);
    expect(reconnectDelay(2000, 1, 60_000)).toBe(60_000);
  });
});

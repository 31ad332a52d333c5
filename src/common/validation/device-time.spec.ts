import { deviceTimeProblem } from './device-time';

describe('deviceTimeProblem', () => {
  const now = Date.UTC(2026, 5, 15, 12, 0, 0);
  const DAY = 86_400_000;

  it('accepts a time up to the skew ahead and, without a floor, any time before', () => {
    const window = { maxFutureMs: 600_000 };
    expect(deviceTimeProblem(now + 600_000, now, window)).toBeUndefined();
    expect(deviceTimeProblem(0, now, window)).toBeUndefined();
    expect(deviceTimeProblem(now + 600_001, now, window)).toBe(
      'must not be more than 10 minutes in the future',
    );
  });

  it('refuses a time older than the floor, naming it', () => {
    const window = { maxFutureMs: 0, maxAgeMs: 400 * DAY };
    expect(deviceTimeProblem(now - 400 * DAY, now, window)).toBeUndefined();
    expect(deviceTimeProblem(now - 400 * DAY - 1, now, window)).toBe(
      'must not be more than 400 days in the past',
    );
  });

  it.each([
    [0, '0 seconds'],
    [1000, '1 second'],
    [90_000, '90 seconds'],
    [60_000, '1 minute'],
    [86_400_000, '1 day'],
    [2 * 86_400_000, '2 days'],
  ])('names a skew of %i ms as "%s"', (maxFutureMs, spelled) => {
    expect(deviceTimeProblem(now + maxFutureMs + 1, now, { maxFutureMs })).toBe(
      `must not be more than ${spelled} in the future`,
    );
  });
});

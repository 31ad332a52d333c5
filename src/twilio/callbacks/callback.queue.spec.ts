import { retryDelayMs } from './callback.queue';

// Bull's own computation, which the queue with Redis applies (no types are published for it).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const backoffs = require('bull/lib/backoffs') as {
  calculate(
    backoff: { type: string; delay: number },
    attemptsMade: number,
    customStrategies: Record<string, never>,
  ): number;
};

describe('retryDelayMs', () => {
  it('waits what Bull’s exponential backoff waits, so both queues retry alike', () => {
    for (const base of [1, 20, 1000]) {
      for (let failedRuns = 1; failedRuns <= 10; failedRuns++) {
        expect(retryDelayMs(failedRuns, base)).toBe(
          backoffs.calculate({ type: 'exponential', delay: base }, failedRuns, {}),
        );
      }
    }
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 1000))).toEqual([1000, 3000, 7000, 15000]);
  });
});

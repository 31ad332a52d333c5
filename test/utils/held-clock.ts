/** What `doNotFake` can keep real, all but `Date`: timers, microtasks, the monotonic clock. */
const LEFT_REAL: FakeableAPI[] = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
];

export interface HeldClock {
  /** Moves the held time to `at` (epoch milliseconds). */
  set(at: number): void;
  /** Gives `Date` back its real time. */
  release(): void;
}

/**
 * Holds the wall clock (`Date`, what token expiry and the credential cache read) at `at` until
 * moved, in this test process and so in the app it runs. Timers, the event loop and the monotonic
 * clock stay real: the app, its database pool and its Redis clients work as usual, and a test
 * steps over seconds of validity without waiting for them.
 */
export function holdClock(at: number): HeldClock {
  jest.useFakeTimers({ now: at, doNotFake: LEFT_REAL });
  return {
    set: (to) => jest.setSystemTime(to),
    release: () => jest.useRealTimers(),
  };
}

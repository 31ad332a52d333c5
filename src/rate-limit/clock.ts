/** The time the rate limits run on, in milliseconds; a provider so tests can hold or move it. */
export abstract class Clock {
  abstract now(): number;
}

/** Monotonic (never steps back with the wall clock), with sub-millisecond resolution. */
export class SystemClock extends Clock {
  now(): number {
    return performance.timeOrigin + performance.now();
  }
}

import type { Round } from './cluster';

/**
 * The ingestion targets (issue 16, docs/benchmarks.md), each judged against a baseline or a floor
 * measured in the same run on the same machine.
 */
export const TARGETS = {
  /** HTTP accepted points/s of 100-point batches ÷ the NestJS + one Bull add floor. */
  httpOfFloor: 0.8,
  /** Points/s ÷ the same floor, for 1-point and 10-point batches. */
  smallBatchesOfFloor: 0.7,
  /** One worker: positions/s into PostgreSQL, with their devices' latest state and events. */
  workerRowsPerSecond: 100_000,
  /** One worker ÷ the same-work SQL baseline. */
  workerOfSql: 0.6,
  /** 1 API + 1 worker: points/s from the first request until the last point is readable. */
  endToEndPointsPerSecond: 45_000,
  /** 200 → readable, p99, at half the measured maximum rate. */
  freshnessP99Ms: 1000,
};

/** A 1 + 1 round meets the end-to-end target when it also lost nothing and refused nothing. */
export function endToEndPasses(round: Round): boolean {
  return (
    round.endToEnd >= TARGETS.endToEndPointsPerSecond &&
    round.rows >= round.acknowledged &&
    round.http.failed === 0 &&
    round.failedJobs === 0
  );
}

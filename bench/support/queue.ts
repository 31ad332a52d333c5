import Bull, { type Queue } from 'bull';
import Redis from 'ioredis';
import { TELEMETRY_QUEUE } from '../../src/telemetry/telemetry.queue';
import { REDIS_URL } from './fleethub';

/** The telemetry queue of one queue prefix, read as an operator's tool would. */
export class TelemetryQueue {
  private readonly queue: Queue;

  constructor(readonly prefix: string) {
    this.queue = new Bull(TELEMETRY_QUEUE, REDIS_URL, { prefix });
  }

  /**
   * Jobs not written yet: waiting, being written, or waiting to be retried. A job leaves the
   * queue once its rows are committed (jobs are removed on completion), so 0 means all stored.
   */
  async unwritten(): Promise<number> {
    const counts = await this.queue.getJobCounts();
    return counts.waiting + counts.active + counts.delayed;
  }

  async failed(): Promise<number> {
    return (await this.queue.getJobCounts()).failed;
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

/** Removes every key of a queue prefix (its queues and rate-limit buckets). */
export async function dropKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 })) {
    if ((keys as string[]).length > 0) await redis.unlink(keys as string[]);
  }
  await redis.quit();
}

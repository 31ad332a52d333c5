import Bull, { type JobCounts, type Queue } from 'bull';
import { TELEMETRY_QUEUE, type IngestTelemetryJob } from '../../../src/telemetry/telemetry.queue';

/** Reads the telemetry queue's state in the suite's Redis, as an operator's tool would. */
export class QueueProbe {
  private readonly queue: Queue<IngestTelemetryJob>;

  constructor(redisUrl: string, prefix: string) {
    this.queue = new Bull<IngestTelemetryJob>(TELEMETRY_QUEUE, redisUrl, { prefix });
  }

  counts(): Promise<JobCounts> {
    return this.queue.getJobCounts();
  }

  /** Active jobs whose worker holds them (their lock is alive). */
  async lockedActive(): Promise<number> {
    const locks = await Promise.all(
      (await this.queue.getActive()).map((job) => this.queue.client.exists(job.lockKey())),
    );
    return locks.filter(Boolean).length;
  }

  /**
   * Points of the jobs no worker has started: waiting, or active without a lock. A worker that
   * stops while Redis is handing it a job (Bull aborts its blocking pop) leaves that job active
   * and unlocked; the next worker's stalled-job check puts it back.
   */
  async unstartedPoints(): Promise<number> {
    const [waiting, active] = await Promise.all([this.queue.getWaiting(), this.queue.getActive()]);
    const unlocked = await Promise.all(
      active.map(async (job) => ((await this.queue.client.exists(job.lockKey())) ? [] : [job])),
    );
    return [...waiting, ...unlocked.flat()].reduce(
      (sum, job) => sum + (JSON.parse(job.data.points) as unknown[]).length,
      0,
    );
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

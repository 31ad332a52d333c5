import { Logger } from '@nestjs/common';
import type { JobOptions, Queue } from 'bull';
import { ApiError } from '../common/errors/api-error';
import { withTimeout } from '../common/with-timeout';
import { reportQueueErrors } from './queue-errors';
import type { QueueMonitor } from './queue-monitor';

/**
 * How every job is retried: exponential backoff (1 s, 2 s, 4 s … about 4 minutes in all), then it
 * stays in the failed set where an operator can inspect and retry it (the `jobs:failed` and
 * `jobs:retry` commands).
 */
export const DURABLE_JOB_OPTIONS: JobOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: false,
};

/** A client waiting longer than this for Redis gets an error rather than a hung request. */
const ENQUEUE_TIMEOUT_MS = 1500;

/**
 * Where a producer's jobs go: its queue, or, in the embedded default (no Redis, so no queue),
 * straight to storage, the work the queue's processor would do.
 */
export type ProducerTarget<T> =
  { queue: Queue<T>; monitor: QueueMonitor } | { store: (jobs: T[]) => Promise<unknown> };

export interface ProducerOptions<T> {
  /** The queue's one job name. */
  jobName: string;
  /** Names a job in the log: what it carries and which request sent it. */
  describe: (job: T) => string;
  /** What the client is told (503) when its job could be neither queued nor stored. */
  unavailableMessage: string;
  /** A queue's own retries, where the durable defaults do not fit its work. */
  jobOptions?: JobOptions;
  /** False: the queue's backlog is left out of readiness (see `QueueMonitor.watch`). */
  readiness?: boolean;
}

/**
 * The only place a queue's jobs are added, with the default job options. The API answers 200 once
 * `add` resolves: with a queue, once Redis holds the job (rejected, never hung, when Redis does not
 * answer in time); without, once the job is stored. Either failure is a 503 telling the client that
 * nothing was stored.
 */
export class QueueProducer<T> {
  private readonly logger = new Logger(this.constructor.name);
  private readonly submit: (job: T) => Promise<unknown>;
  private readonly action: 'enqueue' | 'store';

  constructor(
    target: ProducerTarget<T>,
    private readonly options: ProducerOptions<T>,
  ) {
    if ('queue' in target) {
      const { queue, monitor } = target;
      const jobOptions = { ...DURABLE_JOB_OPTIONS, ...options.jobOptions };
      reportQueueErrors(queue, this.logger);
      monitor.watch(queue, { readiness: options.readiness });
      this.action = 'enqueue';
      this.submit = (job) =>
        withTimeout(
          queue.add(options.jobName, job, jobOptions),
          ENQUEUE_TIMEOUT_MS,
          `Adding a job to queue ${queue.name}`,
        );
    } else {
      this.action = 'store';
      this.submit = (job) => target.store([job]);
    }
  }

  async add(job: T): Promise<void> {
    try {
      await this.submit(job);
    } catch (error) {
      this.logger.error(`Could not ${this.action} ${this.options.describe(job)}: ${String(error)}`);
      throw new ApiError('SERVICE_UNAVAILABLE', this.options.unavailableMessage, undefined, {
        'Retry-After': '1',
      });
    }
  }
}

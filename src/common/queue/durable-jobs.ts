import type { BeforeApplicationShutdown, Logger } from '@nestjs/common';
import type { JobOptions, Queue } from 'bull';
import type { MetricsService } from '../../metrics/metrics.service';
import { GroupCommit } from '../group-commit';
import { withTimeout } from '../with-timeout';

/**
 * How every ingestion job is retried: exponential backoff (1 s, 2 s, 4 s … about 4 minutes in
 * all), then it stays in the failed set where an operator can inspect and retry it (the
 * `jobs:failed` and `jobs:retry` commands).
 */
export const DURABLE_JOB_OPTIONS: JobOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: false,
};

/** A job whose content can never be stored: every retry would fail the same way. */
export class UnprocessableJobError extends Error {
  override readonly name = 'UnprocessableJobError';
}

/**
 * Failures that say the job itself is wrong rather than the moment: its content (above), or a
 * PostgreSQL data exception (SQLSTATE class 22: a value out of range, a malformed literal), which
 * the same statement would meet again.
 */
export function isUnprocessable(error: unknown): boolean {
  if (error instanceof UnprocessableJobError) return true;
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && code.startsWith('22');
}

/** A client waiting longer than this for Redis gets an error rather than a hung request. */
const ENQUEUE_TIMEOUT_MS = 1500;

/**
 * Adds a job and resolves only once Redis holds it, so an API may answer 200 after it. Rejects,
 * never hangs, when Redis does not answer in time.
 */
export async function addDurably<T>(queue: Queue<T>, jobName: string, data: T): Promise<void> {
  await withTimeout(
    queue.add(jobName, data, DURABLE_JOB_OPTIONS),
    ENQUEUE_TIMEOUT_MS,
    `Adding a job to queue ${queue.name}`,
  );
}

/** How often a queue's connection errors are logged while they repeat (Redis down: every retry). */
const ERROR_LOG_INTERVAL_MS = 30_000;

/**
 * Logs a queue's connection errors. Bull re-emits its Redis clients' errors on the queue and
 * otherwise drops them, so Redis going away would leave no trace in the log but the failed
 * requests.
 */
export function reportQueueErrors(queue: Queue, logger: Logger): void {
  let last = { message: '', at: 0 };
  queue.on('error', (error: Error) => {
    const now = Date.now();
    if (error.message === last.message && now - last.at < ERROR_LOG_INTERVAL_MS) return;
    last = { message: error.message, at: now };
    logger.warn(`Queue ${queue.name}: ${error.message}`);
  });
}

export interface GroupConsumerOptions<T> {
  jobName: string;
  /** Jobs held at once (WORKER_CONCURRENCY). */
  concurrency: number;
  /** Write statements in flight at once (WORKER_WRITERS); jobs waiting for one are stored together. */
  writers: number;
  store: (jobs: T[]) => Promise<unknown>;
  logger: Logger;
  /** Times each job, from taking it to storing it (waiting for a writer included) or failing. */
  metrics: MetricsService;
}

/**
 * Consumes a queue with group commit. Registered with `queue.process` rather than a `@Process`
 * decorator so that concurrency and writers come from configuration.
 *
 * On shutdown the consumer drains: it takes no new job and waits until the jobs in hand are
 * written and completed in Redis. That must happen before the database pool and the queue's
 * Redis connections close, in `onApplicationShutdown`; Nest runs every `beforeApplicationShutdown`
 * hook before any of those, so the drain is that hook, set on the queue provider itself (the way
 * @nestjs/bull sets the queue's `onApplicationShutdown`) so that every consumer of this function
 * drains without a hook of its own. It pauses rather than closes: in a ROLE=all process the HTTP
 * server is still finishing requests that add jobs to this same queue.
 */
export function consumeInGroups<T extends { requestId: string }>(
  queue: Queue<T>,
  { jobName, concurrency, writers, store, logger, metrics }: GroupConsumerOptions<T>,
): void {
  const groupCommit = new GroupCommit(store, writers);
  const drain: BeforeApplicationShutdown = {
    beforeApplicationShutdown: async () => {
      logger.log(`Queue ${queue.name}: taking no new jobs, finishing the jobs in hand`);
      // Once the jobs in hand are done, Bull reconnects its blocking connection; with Redis down
      // that fails, and the pause with it, though nothing is left to wait for: the shutdown goes on.
      await queue
        .pause(true)
        .catch((error: unknown) =>
          logger.warn(`Queue ${queue.name}: paused, then could not reconnect: ${String(error)}`),
        );
    },
  };
  Object.assign(queue, drain);
  queue.on('failed', (job, error) =>
    logger.warn(
      `Job ${job.id} of queue ${queue.name} (request ${job.data.requestId}) failed attempt ${job.attemptsMade}: ${error.message}`,
    ),
  );
  queue
    .process(jobName, concurrency, async (job) => {
      const done = metrics.timeJob(queue.name);
      try {
        await groupCommit.submit(job.data);
        done('completed');
      } catch (error) {
        done('failed');
        // Straight to the failed set, with its reason, for an operator to see: no retries.
        if (isUnprocessable(error)) await job.discard();
        throw error;
      }
    })
    .catch((error: unknown) =>
      logger.error(`Worker of queue ${queue.name} stopped: ${String(error)}`),
    );
}

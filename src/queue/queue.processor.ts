import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import type { MetricsService } from '../metrics/metrics.service';
import { GroupCommit } from './group-commit';
import type { DrainableConsumer, QueueConsumers } from './queue-consumers';
import { isUnprocessable } from './unprocessable-job.error';
import { returnUnstartedJobs } from './unstarted-jobs';

/** Every job names the request that sent it, to follow it from the API's log to the worker's. */
export interface QueuedJob {
  requestId: string;
}

export interface ProcessorOptions<T> {
  /** The queue's one job name. */
  jobName: string;
  /** Jobs held at once (WORKER_CONCURRENCY). */
  concurrency: number;
  /** Statements in flight at once (WORKER_WRITERS); jobs waiting for one are stored together. */
  writers: number;
  /** Stores jobs, idempotently: a retried job stores nothing twice. */
  store: (jobs: T[]) => Promise<unknown>;
  /** Times each job, from taking it to storing it (waiting for a writer included) or failing. */
  metrics: MetricsService;
  /** Drains this consumer with the application's others, all at once, at shutdown. */
  consumers: QueueConsumers;
  /**
   * Called once a job is given up (its last attempt failed, or it can never be stored), with the
   * last error: for work whose failure must be recorded beyond the failed set.
   */
  gaveUp?: (job: T, error: Error) => Promise<void>;
}

/**
 * Consumes a queue in worker processes, with group commit: it holds up to `concurrency` jobs at
 * once and writes them with at most `writers` statements in flight, the jobs that wait for a
 * writer being stored together. Registered with `queue.process` rather than a `@Process` decorator
 * so that concurrency and writers come from configuration. A job that can never be stored goes
 * straight to the failed set; any other failure is retried (see DURABLE_JOB_OPTIONS).
 *
 * On shutdown it drains: it takes no new job and waits until the jobs in hand are written and
 * completed in Redis. That must happen before the database pool and the queue's Redis
 * connections close, in `onApplicationShutdown`: `QueueConsumers` drains every queue at once in
 * `beforeApplicationShutdown`, which Nest runs before any of those. It pauses rather than closes: in a ROLE=all process the HTTP server is
 * still finishing requests that add jobs to this same queue.
 */
export class QueueProcessor<T extends QueuedJob>
  implements OnApplicationBootstrap, DrainableConsumer
{
  private readonly logger = new Logger(this.constructor.name);
  private consuming = false;

  constructor(
    private readonly queue: Queue<T>,
    private readonly options: ProcessorOptions<T>,
  ) {}

  onApplicationBootstrap(): void {
    const { queue, logger } = this;
    const { jobName, concurrency, writers, store, metrics, gaveUp } = this.options;
    const groupCommit = new GroupCommit(store, writers);
    this.consuming = true;
    this.options.consumers.add(this);
    queue.on('failed', (job, error) => {
      logger.warn(
        `Job ${job.id} of queue ${queue.name} (request ${job.data.requestId}) failed attempt ${job.attemptsMade}: ${error.message}`,
      );
      // Bull sets `finishedOn` only when the job goes to the failed set for good.
      if (gaveUp && job.finishedOn !== undefined) {
        gaveUp(job.data, error).catch((gaveUpError: unknown) =>
          logger.error(
            `Job ${job.id} of queue ${queue.name} was given up, and that could not be recorded: ${String(gaveUpError)}`,
          ),
        );
      }
    });
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

  async drain(): Promise<void> {
    if (!this.consuming) return;
    const { queue, logger } = this;
    logger.log(`Queue ${queue.name}: taking no new jobs, finishing the jobs in hand`);
    // Once the jobs in hand are done, Bull reconnects its blocking connection; with Redis down
    // that fails, and the pause with it, though nothing is left to wait for: the shutdown goes on.
    await queue
      .pause(true)
      .catch((error: unknown) =>
        logger.warn(`Queue ${queue.name}: paused, then could not reconnect: ${String(error)}`),
      );
    await returnUnstartedJobs(queue).then(
      (returned) => {
        if (returned > 0)
          logger.log(`Queue ${queue.name}: ${returned} job(s) taken but not started, put back`);
      },
      (error: unknown) =>
        logger.warn(
          `Queue ${queue.name}: jobs taken but not started could not be put back (they return once their lock expires): ${String(error)}`,
        ),
    );
  }
}

import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { CallbackAttempts } from './callback-attempts';
import { CallbackLog, INTERRUPTED } from './callback-log';
import { retryDelayMs, type DeliverCallbackJob } from './callback.queue';

/**
 * The callbacks' queue without Redis (the embedded default, one process): each callback is
 * delivered in the background of this process, with the retries and backoff of the Redis queue.
 * Nothing of it outlives the process: the callbacks a stop or a crash leaves pending are recorded
 * as given up (`Interrupted`) at the next start, for nothing will attempt them again.
 */
@Injectable()
export class InProcessCallbacks implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(InProcessCallbacks.name);
  private readonly maxRuns: number;
  private readonly retryBaseMs: number;
  private readonly waiting = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly attempts: CallbackAttempts,
    private readonly log: CallbackLog,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.maxRuns = config.callbacks.maxAttempts;
    this.retryBaseMs = config.callbacks.retryDelayMs;
  }

  async onApplicationBootstrap(): Promise<void> {
    const abandoned = await this.log.giveUpPending();
    if (abandoned > 0) {
      this.logger.warn(
        `${abandoned} callback(s) left pending when FleetHub last stopped recorded as given up (${INTERRUPTED})`,
      );
    }
  }

  /** Takes callbacks to deliver and returns at once. */
  add(jobs: DeliverCallbackJob[]): Promise<void> {
    for (const job of jobs) this.run(job, 1);
    return Promise.resolve();
  }

  /** Like a Bull job's runs: a failure (a callback to retry, or an error) waits, then runs again. */
  private run(job: DeliverCallbackJob, run: number): void {
    const attempt = this.attempts
      .attempt(job)
      .then(
        (result) => result === 'retry',
        (error: unknown) => {
          this.logger.warn(`Callback ${job.deliveryId} could not be attempted: ${String(error)}`);
          return true;
        },
      )
      .then((again) => {
        if (again && run < this.maxRuns && !this.stopping) {
          this.later(job, run + 1, retryDelayMs(run, this.retryBaseMs));
        }
      })
      .finally(() => this.running.delete(attempt));
    this.running.add(attempt);
  }

  private later(job: DeliverCallbackJob, run: number, delayMs: number): void {
    const timer = setTimeout(() => {
      this.waiting.delete(timer);
      this.run(job, run);
    }, delayMs);
    this.waiting.add(timer);
  }

  /** Waits for the attempts in flight (the database is still open) and drops the waiting retries. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const timer of this.waiting) clearTimeout(timer);
    this.waiting.clear();
    await Promise.all(this.running);
  }
}

import type { JobOptions } from 'bull';
import type { AppConfig } from '../../config/app-config';
import type { CallbackMethod } from '../entities/callback-delivery.entity';

/** The callbacks queue: its name, its one job, the job's payload and its retries. */
export const CALLBACK_QUEUE = 'callbacks';
export const DELIVER_CALLBACK_JOB = 'deliver';

export interface DeliverCallbackJob {
  /** The row of `callback_deliveries` that records this callback. */
  deliveryId: string;
  /** The request (or job) that scheduled it, else the delivery's id: what names it in the logs. */
  requestId: string;
  tenantId: string;
  /** The resource SID the callback is about. */
  about: string;
  /** As scheduled, credentials included: the tenant's own setting, called as given. */
  url: string;
  method: CallbackMethod;
  params: Record<string, string>;
}

/**
 * CALLBACK_MAX_ATTEMPTS attempts with exponential backoff from CALLBACK_RETRY_DELAY_MS. The
 * attempts that count are those recorded in `callback_deliveries`: the last one records the
 * callback as given up and completes its job, so a job leaves the queue either way.
 */
export function callbackJobOptions({ callbacks }: AppConfig): JobOptions {
  return {
    attempts: callbacks.maxAttempts,
    backoff: { type: 'exponential', delay: callbacks.retryDelayMs },
  };
}

/**
 * The wait after the n-th failed run of a job, as Bull's exponential backoff computes it (the
 * queue without Redis waits the same): (2^n - 1) times the base delay.
 */
export function retryDelayMs(failedRuns: number, baseMs: number): number {
  return Math.round((2 ** failedRuns - 1) * baseMs);
}

import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { MetricsService } from '../../metrics/metrics.service';
import { QueueConsumers } from '../../queue/queue-consumers';
import { QueueProcessor } from '../../queue/queue.processor';
import { CallbackAttempts } from './callback-attempts';
import { CALLBACK_QUEUE, DELIVER_CALLBACK_JOB, type DeliverCallbackJob } from './callback.queue';

/** Thrown to have Bull try a callback again, after its backoff. */
class CallbackNotDeliveredError extends Error {
  override readonly name = 'CallbackNotDeliveredError';
}

/**
 * Delivers the queued callbacks, in worker processes. Each is its own HTTP request, so no two are
 * grouped: with as many writers as jobs held at once, every group holds one job.
 */
@Injectable()
export class CallbackProcessor extends QueueProcessor<DeliverCallbackJob> {
  constructor(
    @InjectQueue(CALLBACK_QUEUE) queue: Queue<DeliverCallbackJob>,
    attempts: CallbackAttempts,
    @Inject(APP_CONFIG) config: AppConfig,
    metrics: MetricsService,
    consumers: QueueConsumers,
  ) {
    super(queue, {
      jobName: DELIVER_CALLBACK_JOB,
      concurrency: config.queue.workerConcurrency,
      writers: config.queue.workerConcurrency,
      store: (jobs) =>
        Promise.all(
          jobs.map(async (job) => {
            if ((await attempts.attempt(job)) === 'retry') {
              throw new CallbackNotDeliveredError(`Callback ${job.deliveryId} not delivered yet`);
            }
          }),
        ),
      metrics,
      consumers,
    });
  }
}

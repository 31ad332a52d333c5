import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { QueueMonitor } from '../../queue/queue-monitor';
import { QueueProducer } from '../../queue/queue.producer';
import { InProcessCallbacks } from './in-process-callbacks';
import {
  CALLBACK_QUEUE,
  DELIVER_CALLBACK_JOB,
  callbackJobOptions,
  type DeliverCallbackJob,
} from './callback.queue';

/**
 * Adds callbacks to their queue; embedded (no Redis), hands them to the in-process queue, which
 * delivers them in the background: a delivery and its retries take far longer than a request.
 */
@Injectable()
export class CallbackProducer extends QueueProducer<DeliverCallbackJob> {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    monitor: QueueMonitor,
    // One or the other: the queue with Redis, the in-process queue without (see CallbacksModule).
    @Optional() @InjectQueue(CALLBACK_QUEUE) queue?: Queue<DeliverCallbackJob>,
    @Optional() inProcess?: InProcessCallbacks,
  ) {
    super(
      queue ? { queue, monitor } : { store: (jobs: DeliverCallbackJob[]) => inProcess!.add(jobs) },
      {
        jobName: DELIVER_CALLBACK_JOB,
        describe: (job) =>
          `callback ${job.deliveryId} about ${job.about} (request ${job.requestId})`,
        unavailableMessage: 'The callback cannot be scheduled right now; try again shortly',
        jobOptions: callbackJobOptions(config),
        // A backlog of callbacks (slow or dead receivers) says nothing of the API's health.
        readiness: false,
      },
    );
  }
}

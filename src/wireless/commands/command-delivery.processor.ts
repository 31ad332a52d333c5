import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { MetricsService } from '../../metrics/metrics.service';
import { QueueConsumers } from '../../queue/queue-consumers';
import { QueueProcessor } from '../../queue/queue.processor';
import {
  COMMAND_DELIVERY_QUEUE,
  DELIVER_COMMAND_JOB,
  type DeliverCommandJob,
} from './command-delivery.queue';
import { CommandDeliveryService } from './command-delivery.service';

/**
 * Delivers the queued Commands, in worker processes. Each delivery is its own exchange with the
 * transport, so no two are grouped: with as many writers as jobs held at once, every group holds
 * one job, and one Command's failure never sends another again.
 */
@Injectable()
export class CommandDeliveryProcessor extends QueueProcessor<DeliverCommandJob> {
  constructor(
    @InjectQueue(COMMAND_DELIVERY_QUEUE) queue: Queue<DeliverCommandJob>,
    delivery: CommandDeliveryService,
    @Inject(APP_CONFIG) config: AppConfig,
    metrics: MetricsService,
    consumers: QueueConsumers,
  ) {
    super(queue, {
      jobName: DELIVER_COMMAND_JOB,
      concurrency: config.queue.workerConcurrency,
      writers: config.queue.workerConcurrency,
      store: (jobs) => Promise.all(jobs.map((job) => delivery.deliver(job))),
      gaveUp: (job, error) => delivery.giveUp(job, error),
      metrics,
      consumers,
    });
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { QueueConsumers } from '../queue/queue-consumers';
import { QueueProcessor } from '../queue/queue.processor';
import {
  NORTHBOUND_QUEUE,
  STORE_MESSAGE_JOB,
  type StoreTrackerMessageJob,
} from './northbound.queue';
import { TrackerMessageStorageService } from './tracker-message-storage.service';

/** Stores the queued tracker messages, in worker processes. */
@Injectable()
export class NorthboundProcessor extends QueueProcessor<StoreTrackerMessageJob> {
  constructor(
    @InjectQueue(NORTHBOUND_QUEUE) queue: Queue<StoreTrackerMessageJob>,
    storage: TrackerMessageStorageService,
    @Inject(APP_CONFIG) config: AppConfig,
    metrics: MetricsService,
    consumers: QueueConsumers,
  ) {
    super(queue, {
      jobName: STORE_MESSAGE_JOB,
      concurrency: config.queue.workerConcurrency,
      writers: config.queue.writers,
      store: (jobs) => storage.store(jobs),
      metrics,
      consumers,
    });
  }
}

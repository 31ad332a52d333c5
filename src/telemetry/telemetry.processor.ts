import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { QueueConsumers } from '../queue/queue-consumers';
import { QueueProcessor } from '../queue/queue.processor';
import { TelemetryStorageService } from './telemetry-storage.service';
import { INGEST_JOB, TELEMETRY_QUEUE, type IngestTelemetryJob } from './telemetry.queue';

/** Stores the queued telemetry batches, in worker processes. */
@Injectable()
export class TelemetryProcessor extends QueueProcessor<IngestTelemetryJob> {
  constructor(
    @InjectQueue(TELEMETRY_QUEUE) queue: Queue<IngestTelemetryJob>,
    storage: TelemetryStorageService,
    @Inject(APP_CONFIG) config: AppConfig,
    metrics: MetricsService,
    consumers: QueueConsumers,
  ) {
    super(queue, {
      jobName: INGEST_JOB,
      concurrency: config.queue.workerConcurrency,
      writers: config.queue.writers,
      store: (jobs) => storage.store(jobs),
      metrics,
      consumers,
    });
  }
}

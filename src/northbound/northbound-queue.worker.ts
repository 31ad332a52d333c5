import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { consumeInGroups } from '../common/queue/durable-jobs';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { TrackerMessageIngestService } from './tracker-message-ingest.service';
import {
  NORTHBOUND_QUEUE,
  STORE_MESSAGE_JOB,
  type StoreTrackerMessageJob,
} from './northbound.queue';

/** Consumes the northbound queue in worker processes, storing waiting messages together (group commit). */
@Injectable()
export class NorthboundQueueWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger(NorthboundQueueWorker.name);

  constructor(
    @InjectQueue(NORTHBOUND_QUEUE) private readonly queue: Queue<StoreTrackerMessageJob>,
    private readonly ingest: TrackerMessageIngestService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    consumeInGroups(this.queue, {
      jobName: STORE_MESSAGE_JOB,
      concurrency: this.config.queue.workerConcurrency,
      writers: this.config.queue.writers,
      store: (jobs) => this.ingest.ingest(jobs),
      logger: this.logger,
      metrics: this.metrics,
    });
  }
}

import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { consumeInGroups } from '../common/queue/durable-jobs';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { TelemetryIngestService } from './telemetry-ingest.service';
import { INGEST_JOB, TELEMETRY_QUEUE, type IngestTelemetryJob } from './telemetry.queue';

/**
 * Consumes the telemetry queue in worker processes. It holds up to WORKER_CONCURRENCY jobs at once
 * and writes them with at most WORKER_WRITERS statements in flight, jobs that wait for a writer
 * being stored together (group commit).
 */
@Injectable()
export class TelemetryQueueWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger(TelemetryQueueWorker.name);

  constructor(
    @InjectQueue(TELEMETRY_QUEUE) private readonly queue: Queue<IngestTelemetryJob>,
    private readonly ingest: TelemetryIngestService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    consumeInGroups(this.queue, {
      jobName: INGEST_JOB,
      concurrency: this.config.queue.workerConcurrency,
      writers: this.config.queue.writers,
      store: (jobs) => this.ingest.ingest(jobs),
      logger: this.logger,
      metrics: this.metrics,
    });
  }
}

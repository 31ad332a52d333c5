import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { GroupCommit } from '../common/group-commit';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { TelemetryIngestService } from './telemetry-ingest.service';
import { INGEST_JOB, TELEMETRY_QUEUE, type IngestTelemetryJob } from './telemetry.queue';

/**
 * Consumes the telemetry queue in worker processes. It holds up to WORKER_CONCURRENCY jobs at once
 * and writes them with at most WORKER_WRITERS statements in flight, jobs that wait for a writer
 * being stored together (group commit). Registered with `queue.process` rather than a `@Process`
 * decorator so that both numbers come from configuration.
 */
@Injectable()
export class TelemetryQueueWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger(TelemetryQueueWorker.name);
  private readonly groupCommit: GroupCommit<IngestTelemetryJob>;

  constructor(
    @InjectQueue(TELEMETRY_QUEUE) private readonly queue: Queue<IngestTelemetryJob>,
    private readonly ingest: TelemetryIngestService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.groupCommit = new GroupCommit((jobs) => this.ingest.ingest(jobs), config.queue.writers);
  }

  onApplicationBootstrap(): void {
    this.queue.on('failed', (job, error) =>
      this.logger.warn(
        `Telemetry job ${job.id} (request ${job.data.requestId}) failed attempt ${job.attemptsMade}: ${error.message}`,
      ),
    );
    this.queue
      .process(INGEST_JOB, this.config.queue.workerConcurrency, (job) =>
        this.groupCommit.submit(job.data),
      )
      .catch((error: unknown) => this.logger.error(`Telemetry worker stopped: ${String(error)}`));
  }
}

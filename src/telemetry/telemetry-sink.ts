import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { ApiError } from '../common/errors/api-error';
import { addDurably, reportQueueErrors } from '../common/queue/durable-jobs';
import { QueueMonitor } from '../metrics/queue-monitor';
import { TelemetryIngestService } from './telemetry-ingest.service';
import { INGEST_JOB, TELEMETRY_QUEUE, type IngestTelemetryJob } from './telemetry.queue';

/** Where an accepted batch goes before the API answers 200: the queue, or (embedded) straight to storage. */
export abstract class TelemetrySink {
  abstract submit(job: IngestTelemetryJob): Promise<void>;
}

function unavailable(): ApiError {
  return new ApiError(
    'SERVICE_UNAVAILABLE',
    'Telemetry cannot be accepted right now and nothing was stored; resend the batch',
    undefined,
    { 'Retry-After': '1' },
  );
}

/** The producer: the only place that adds telemetry jobs. 200 is answered only once Redis holds the job. */
@Injectable()
export class QueueTelemetrySink extends TelemetrySink {
  private readonly logger = new Logger(QueueTelemetrySink.name);

  constructor(
    @InjectQueue(TELEMETRY_QUEUE) private readonly queue: Queue<IngestTelemetryJob>,
    monitor: QueueMonitor,
  ) {
    super();
    reportQueueErrors(queue, this.logger);
    monitor.watch(queue);
  }

  async submit(job: IngestTelemetryJob): Promise<void> {
    try {
      await addDurably(this.queue, INGEST_JOB, job);
    } catch (error) {
      this.logger.error(`Could not enqueue telemetry (request ${job.requestId}): ${String(error)}`);
      throw unavailable();
    }
  }
}

/** Embedded default (no Redis): the batch is stored before the API answers. */
@Injectable()
export class InlineTelemetrySink extends TelemetrySink {
  private readonly logger = new Logger(InlineTelemetrySink.name);

  constructor(@Inject(TelemetryIngestService) private readonly ingest: TelemetryIngestService) {
    super();
  }

  async submit(job: IngestTelemetryJob): Promise<void> {
    try {
      await this.ingest.ingest([job]);
    } catch (error) {
      this.logger.error(`Could not store telemetry (request ${job.requestId}): ${String(error)}`);
      throw unavailable();
    }
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { JobOptions, Queue } from 'bull';
import { ApiError } from '../common/errors/api-error';
import { TelemetryIngestService } from './telemetry-ingest.service';
import { INGEST_JOB, TELEMETRY_QUEUE, type IngestTelemetryJob } from './telemetry.queue';

/** Where an accepted batch goes before the API answers 200: the queue, or (embedded) straight to storage. */
export abstract class TelemetrySink {
  abstract submit(job: IngestTelemetryJob): Promise<void>;
}

/** Retried with exponential backoff (1 s, 2 s, 4 s … about 4 minutes in all); failures stay inspectable. */
const JOB_OPTIONS: JobOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: false,
};

/** A client waiting longer than this for Redis gets a 503 rather than a hung request. */
const ENQUEUE_TIMEOUT_MS = 1500;

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

  constructor(@InjectQueue(TELEMETRY_QUEUE) private readonly queue: Queue<IngestTelemetryJob>) {
    super();
  }

  async submit(job: IngestTelemetryJob): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer from Redis in ${ENQUEUE_TIMEOUT_MS} ms`)),
        ENQUEUE_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([this.queue.add(INGEST_JOB, job, JOB_OPTIONS), timeout]);
    } catch (error) {
      this.logger.error(`Could not enqueue telemetry (request ${job.requestId}): ${String(error)}`);
      throw unavailable();
    } finally {
      clearTimeout(timer);
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

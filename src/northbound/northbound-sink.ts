import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { ApiError } from '../common/errors/api-error';
import { addDurably, reportQueueErrors } from '../common/queue/durable-jobs';
import { QueueMonitor } from '../metrics/queue-monitor';
import { TrackerMessageIngestService } from './tracker-message-ingest.service';
import {
  NORTHBOUND_QUEUE,
  STORE_MESSAGE_JOB,
  type StoreTrackerMessageJob,
} from './northbound.queue';

/** Where an accepted message goes before the API answers 200: the queue, or (embedded) straight to storage. */
export abstract class NorthboundSink {
  abstract submit(job: StoreTrackerMessageJob): Promise<void>;
}

function unavailable(): ApiError {
  return new ApiError(
    'SERVICE_UNAVAILABLE',
    'The message cannot be accepted right now and nothing was stored',
    undefined,
    { 'Retry-After': '1' },
  );
}

/** The producer: the only place that adds northbound jobs. 200 is answered only once Redis holds the job. */
@Injectable()
export class QueueNorthboundSink extends NorthboundSink {
  private readonly logger = new Logger(QueueNorthboundSink.name);

  constructor(
    @InjectQueue(NORTHBOUND_QUEUE) private readonly queue: Queue<StoreTrackerMessageJob>,
    monitor: QueueMonitor,
  ) {
    super();
    reportQueueErrors(queue, this.logger);
    monitor.watch(queue);
  }

  async submit(job: StoreTrackerMessageJob): Promise<void> {
    try {
      await addDurably(this.queue, STORE_MESSAGE_JOB, job);
    } catch (error) {
      this.logger.error(
        `Could not enqueue a message of tracker ${job.reading.trackerId} (request ${job.requestId}): ${String(error)}`,
      );
      throw unavailable();
    }
  }
}

/** Embedded default (no Redis): the message is stored before the API answers. */
@Injectable()
export class InlineNorthboundSink extends NorthboundSink {
  private readonly logger = new Logger(InlineNorthboundSink.name);

  constructor(
    @Inject(TrackerMessageIngestService) private readonly ingest: TrackerMessageIngestService,
  ) {
    super();
  }

  async submit(job: StoreTrackerMessageJob): Promise<void> {
    try {
      await this.ingest.ingest([job]);
    } catch (error) {
      this.logger.error(
        `Could not store a message of tracker ${job.reading.trackerId} (request ${job.requestId}): ${String(error)}`,
      );
      throw unavailable();
    }
  }
}

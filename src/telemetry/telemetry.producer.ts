import { Injectable, Optional } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { QueueMonitor } from '../queue/queue-monitor';
import { QueueProducer } from '../queue/queue.producer';
import { TelemetryStorageService } from './telemetry-storage.service';
import { INGEST_JOB, TELEMETRY_QUEUE, type IngestTelemetryJob } from './telemetry.queue';

/** Adds accepted telemetry batches to their queue; embedded (no Redis), stores them at once. */
@Injectable()
export class TelemetryProducer extends QueueProducer<IngestTelemetryJob> {
  constructor(
    storage: TelemetryStorageService,
    monitor: QueueMonitor,
    // Registered only with Redis (see TelemetryModule).
    @Optional() @InjectQueue(TELEMETRY_QUEUE) queue?: Queue<IngestTelemetryJob>,
  ) {
    super(queue ? { queue, monitor } : { store: (jobs) => storage.store(jobs) }, {
      jobName: INGEST_JOB,
      describe: (job) => `telemetry (request ${job.requestId})`,
      unavailableMessage:
        'Telemetry cannot be accepted right now and nothing was stored; resend the batch',
    });
  }
}

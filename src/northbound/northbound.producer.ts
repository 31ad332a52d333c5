import { Injectable, Optional } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { QueueMonitor } from '../queue/queue-monitor';
import { QueueProducer } from '../queue/queue.producer';
import {
  NORTHBOUND_QUEUE,
  STORE_MESSAGE_JOB,
  type StoreTrackerMessageJob,
} from './northbound.queue';
import { TrackerMessageStorageService } from './tracker-message-storage.service';

/** Adds accepted tracker messages to their queue; embedded (no Redis), stores them at once. */
@Injectable()
export class NorthboundProducer extends QueueProducer<StoreTrackerMessageJob> {
  constructor(
    storage: TrackerMessageStorageService,
    monitor: QueueMonitor,
    // Registered only with Redis (see NorthboundModule).
    @Optional() @InjectQueue(NORTHBOUND_QUEUE) queue?: Queue<StoreTrackerMessageJob>,
  ) {
    super(queue ? { queue, monitor } : { store: (jobs) => storage.store(jobs) }, {
      jobName: STORE_MESSAGE_JOB,
      describe: (job) => `a message of tracker ${job.reading.trackerId} (request ${job.requestId})`,
      unavailableMessage: 'The message cannot be accepted right now and nothing was stored',
    });
  }
}

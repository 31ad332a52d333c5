import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { QueueConsumers } from '../queue/queue-consumers';
import { QueueProcessor } from '../queue/queue.processor';
import { SimChangeCompleter } from './sim-change-completer';
import {
  COMPLETE_CHANGE_JOB,
  SIM_STATUS_QUEUE,
  type CompleteSimChangeJob,
} from './sim-status.queue';

/** Completes Sims' changes as they fall due, in worker processes. */
@Injectable()
export class SimStatusProcessor extends QueueProcessor<CompleteSimChangeJob> {
  constructor(
    @InjectQueue(SIM_STATUS_QUEUE) queue: Queue<CompleteSimChangeJob>,
    completer: SimChangeCompleter,
    @Inject(APP_CONFIG) config: AppConfig,
    metrics: MetricsService,
    consumers: QueueConsumers,
  ) {
    super(queue, {
      jobName: COMPLETE_CHANGE_JOB,
      concurrency: config.queue.workerConcurrency,
      writers: config.queue.writers,
      store: (jobs) => completer.complete(jobs),
      metrics,
      consumers,
    });
  }
}

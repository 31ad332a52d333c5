import { Injectable, Optional } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { QueueMonitor } from '../queue/queue-monitor';
import { QueueProducer } from '../queue/queue.producer';
import { SimChangeCompleter } from './sim-change-completer';
import {
  COMPLETE_CHANGE_JOB,
  SIM_STATUS_QUEUE,
  type CompleteSimChangeJob,
} from './sim-status.queue';

/**
 * Adds the completions of Sims' changes to their queue, each due when the change should complete;
 * embedded (no Redis), holds them in this process until then.
 */
@Injectable()
export class SimStatusProducer extends QueueProducer<CompleteSimChangeJob> {
  constructor(
    completer: SimChangeCompleter,
    monitor: QueueMonitor,
    // Registered only with Redis (see WirelessModule).
    @Optional() @InjectQueue(SIM_STATUS_QUEUE) queue?: Queue<CompleteSimChangeJob>,
  ) {
    super(queue ? { queue, monitor } : { store: (jobs) => completer.complete(jobs) }, {
      jobName: COMPLETE_CHANGE_JOB,
      describe: (job) => `the change of Sim ${job.simSid} (request ${job.requestId})`,
      unavailableMessage: 'The Sim cannot be changed right now and nothing was changed',
      // Tenants' Sim changes are no measure of whether an API process can take traffic.
      readiness: false,
    });
  }
}

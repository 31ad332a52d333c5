import { Injectable, Optional } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { QueueMonitor } from '../../queue/queue-monitor';
import { QueueProducer } from '../../queue/queue.producer';
import {
  COMMAND_DELIVERY_QUEUE,
  DELIVER_COMMAND_JOB,
  type DeliverCommandJob,
} from './command-delivery.queue';
import { CommandDeliveryService } from './command-delivery.service';

/** Queues Commands for delivery; embedded (no Redis), delivers them before the API answers. */
@Injectable()
export class CommandDeliveryProducer extends QueueProducer<DeliverCommandJob> {
  constructor(
    delivery: CommandDeliveryService,
    monitor: QueueMonitor,
    // Registered only with Redis (see CommandsModule).
    @Optional() @InjectQueue(COMMAND_DELIVERY_QUEUE) queue?: Queue<DeliverCommandJob>,
  ) {
    super(
      queue
        ? { queue, monitor }
        : { store: (jobs) => Promise.all(jobs.map((job) => delivery.deliverOnce(job))) },
      {
        jobName: DELIVER_COMMAND_JOB,
        describe: (job) => `Command ${job.commandSid} (request ${job.requestId})`,
        unavailableMessage: 'The Command cannot be queued right now and was not created',
      },
    );
  }
}

import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';

/** What shutdown asks of a queue's consumer: take no new job, and finish the jobs in hand. */
export interface DrainableConsumer {
  drain(): Promise<void>;
}

/**
 * The queue consumers of this application, drained together when it shuts down. Each queue's
 * pause takes up to half a second (Bull quits the connection blocked waiting for jobs, with a
 * 500 ms limit); paused one module after another, the last queues would go on taking jobs for
 * seconds after the signal — a stopping worker would empty a telemetry backlog instead of leaving
 * it to the others.
 */
@Injectable()
export class QueueConsumers implements BeforeApplicationShutdown {
  private readonly consumers = new Set<DrainableConsumer>();

  add(consumer: DrainableConsumer): void {
    this.consumers.add(consumer);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.drain()));
  }
}

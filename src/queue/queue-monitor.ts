import { Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { Gauge } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';
import { readQueueDepth, type QueueDepth } from './queue-depth';

/** How long one reading serves: load balancers probe readiness often, from every instance. */
const READING_TTL_MS = 1000;
/** A slow Redis must not hold up `/metrics` or `/health/ready`. */
const READING_TIMEOUT_MS = 1000;

const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/**
 * The depth of the job queues, for the metrics (read when scraped) and the readiness check. The
 * producers register their queue here; the embedded default has none, so nothing is reported.
 */
@Injectable()
export class QueueMonitor {
  private readonly queues: Queue[] = [];
  private reading?: { at: number; depths: Promise<QueueDepth[]> };

  constructor(metrics: MetricsService) {
    const depths = () => this.depths().catch((): QueueDepth[] => []);
    // Reset before reading: when Redis does not answer, the series go absent rather than stale.
    new Gauge({
      name: 'fleethub_queue_jobs',
      help: 'Jobs in each queue by state, read from Redis when scraped (absent when it does not answer)',
      labelNames: ['queue', 'state'] as const,
      registers: [metrics.registry],
      async collect() {
        this.reset();
        for (const depth of await depths()) {
          for (const state of STATES) this.set({ queue: depth.queue, state }, depth[state]);
        }
      },
    });
    new Gauge({
      name: 'fleethub_queue_oldest_waiting_age_seconds',
      help: 'Seconds the oldest waiting job of each queue has waited (0: none waits)',
      labelNames: ['queue'] as const,
      registers: [metrics.registry],
      async collect() {
        this.reset();
        for (const depth of await depths()) {
          this.set({ queue: depth.queue }, depth.oldestWaitingAgeSeconds);
        }
      },
    });
  }

  watch(queue: Queue): void {
    this.queues.push(queue);
  }

  /**
   * Every watched queue's depth. Callers within a second of a reading share it (and its failure);
   * rejects when Redis does not answer within a second.
   */
  depths(): Promise<QueueDepth[]> {
    const now = Date.now();
    if (!this.reading || now - this.reading.at >= READING_TTL_MS) {
      const depths = this.queues.map((queue) => readQueueDepth(queue, READING_TIMEOUT_MS));
      this.reading = { at: now, depths: Promise.all(depths) };
    }
    return this.reading.depths;
  }
}

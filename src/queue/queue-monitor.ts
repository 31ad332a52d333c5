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
  /** The queues readiness leaves out (see `watch`). */
  private readonly outsideReadiness = new Set<string>();
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

  /**
   * Reports a queue in the metrics and, unless `readiness` is false, in readiness: the backlog
   * of a queue whose pace tenants set themselves (their callback endpoints) must not take every
   * API process out of the load balancer's rotation.
   */
  watch(queue: Queue, { readiness = true }: { readiness?: boolean } = {}): void {
    this.queues.push(queue);
    if (!readiness) this.outsideReadiness.add(queue.name);
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

  /** The depths readiness judges: those of the queues `watch` did not leave out of it. */
  async readinessDepths(): Promise<QueueDepth[]> {
    return (await this.depths()).filter((depth) => !this.outsideReadiness.has(depth.queue));
  }
}

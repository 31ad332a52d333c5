import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { QueueDepth } from '../queue/queue-depth';
import { QueueMonitor } from '../queue/queue-monitor';

type Limits = AppConfig['readiness'];

/** What is wrong with the queues' backlog under `limits` (a limit of 0 is off); none: ready. */
export function backlogProblems(depths: QueueDepth[], limits: Limits): string[] {
  const problems: string[] = [];
  for (const depth of depths) {
    if (limits.maxQueueWaiting > 0 && depth.waiting > limits.maxQueueWaiting) {
      problems.push(
        `queue ${depth.queue} has ${depth.waiting} waiting jobs, over READY_MAX_QUEUE_WAITING (${limits.maxQueueWaiting})`,
      );
    }
    if (
      limits.maxQueueAgeSeconds > 0 &&
      depth.oldestWaitingAgeSeconds > limits.maxQueueAgeSeconds
    ) {
      problems.push(
        `the oldest waiting job of queue ${depth.queue} has waited ${Math.floor(depth.oldestWaitingAgeSeconds)} s, over READY_MAX_QUEUE_AGE_SECONDS (${limits.maxQueueAgeSeconds})`,
      );
    }
  }
  return problems;
}

/**
 * Readiness fails while storage is too far behind ingestion, so that a load balancer sheds load
 * instead of letting the backlog grow in Redis. Every API process reads the same shared queues, so
 * they all turn unready together: the load balancer then refuses requests until workers catch up.
 */
@Injectable()
export class QueueBacklogHealthIndicator {
  private readonly limits: Limits;

  constructor(
    private readonly monitor: QueueMonitor,
    private readonly health: HealthIndicatorService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.limits = config.readiness;
  }

  /** False when both limits are off: the check is then left out, and costs nothing. */
  get enabled(): boolean {
    return this.limits.maxQueueWaiting > 0 || this.limits.maxQueueAgeSeconds > 0;
  }

  async isHealthy(key: string): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    let depths: QueueDepth[];
    try {
      depths = await this.monitor.readinessDepths();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : 'unreadable' });
    }
    const details = Object.fromEntries(
      depths.map((depth) => [
        depth.queue,
        { waiting: depth.waiting, oldestWaitingAgeSeconds: depth.oldestWaitingAgeSeconds },
      ]),
    );
    const problems = backlogProblems(depths, this.limits);
    return problems.length > 0
      ? indicator.down({ ...details, message: problems.join('; ') })
      : indicator.up(details);
  }
}

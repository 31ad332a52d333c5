import type { QueueDepth } from '../queue/queue-depth';
import { backlogProblems } from './queue-backlog.health';

const depth = (queue: string, waiting: number, oldestWaitingAgeSeconds: number): QueueDepth => ({
  queue,
  waiting,
  active: 0,
  delayed: 0,
  failed: 0,
  oldestWaitingAgeSeconds,
});

describe('backlogProblems', () => {
  const depths = [depth('telemetry', 500, 90.5), depth('northbound', 2, 0.2)];

  it('finds none while every queue is within both limits (a limit is not a problem when reached)', () => {
    expect(backlogProblems(depths, { maxQueueWaiting: 500, maxQueueAgeSeconds: 91 })).toEqual([]);
  });

  it('names the queue and the variable of each limit passed', () => {
    expect(backlogProblems(depths, { maxQueueWaiting: 499, maxQueueAgeSeconds: 90 })).toEqual([
      'queue telemetry has 500 waiting jobs, over READY_MAX_QUEUE_WAITING (499)',
      'the oldest waiting job of queue telemetry has waited 90 s, over READY_MAX_QUEUE_AGE_SECONDS (90)',
    ]);
    expect(backlogProblems(depths, { maxQueueWaiting: 1, maxQueueAgeSeconds: 0 })).toEqual([
      'queue telemetry has 500 waiting jobs, over READY_MAX_QUEUE_WAITING (1)',
      'queue northbound has 2 waiting jobs, over READY_MAX_QUEUE_WAITING (1)',
    ]);
  });

  it('treats 0 as no limit', () => {
    expect(backlogProblems(depths, { maxQueueWaiting: 0, maxQueueAgeSeconds: 0 })).toEqual([]);
    expect(
      backlogProblems([depth('telemetry', 1e9, 1e6)], {
        maxQueueWaiting: 0,
        maxQueueAgeSeconds: 0,
      }),
    ).toEqual([]);
  });
});

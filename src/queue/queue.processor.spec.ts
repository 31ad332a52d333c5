import { Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { EventEmitter } from 'node:events';
import type { MetricsService } from '../metrics/metrics.service';
import { QueueConsumers } from './queue-consumers';
import { QueueProcessor } from './queue.processor';

describe('QueueProcessor: the shutdown drain', () => {
  afterEach(() => jest.restoreAllMocks());

  it('lets the shutdown go on when Bull cannot reconnect after the jobs in hand (Redis down)', async () => {
    // What Bull's local pause does then: the jobs in hand are done, the reconnection fails.
    const queue = Object.assign(new EventEmitter(), {
      name: 'telemetry',
      process: () => Promise.resolve(),
      pause: jest.fn(() => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6399'))),
    });
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const consumers = new QueueConsumers();
    new QueueProcessor(queue as unknown as Queue<{ requestId: string }>, {
      jobName: 'ingest',
      concurrency: 1,
      writers: 1,
      store: () => Promise.resolve(),
      metrics: {} as MetricsService,
      consumers,
    }).onApplicationBootstrap();

    await expect(consumers.beforeApplicationShutdown()).resolves.toBeUndefined();
    expect(queue.pause).toHaveBeenCalledWith(true);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('ECONNREFUSED'));
  });
});

describe('QueueConsumers: every queue stops taking jobs at once', () => {
  afterEach(() => jest.restoreAllMocks());

  it('asks every queue to pause before any pause has finished', async () => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const consumers = new QueueConsumers();
    // Bull's local pause waits on its blocked connection: these finish only when told.
    const finishes: (() => void)[] = [];
    const queues = ['sims', 'northbound', 'telemetry'].map((name) =>
      Object.assign(new EventEmitter(), {
        name,
        process: () => Promise.resolve(),
        pause: jest.fn(() => new Promise<void>((finish) => finishes.push(finish))),
      }),
    );
    for (const queue of queues)
      new QueueProcessor(queue as unknown as Queue<{ requestId: string }>, {
        jobName: 'job',
        concurrency: 1,
        writers: 1,
        store: () => Promise.resolve(),
        metrics: {} as MetricsService,
        consumers,
      }).onApplicationBootstrap();

    const drained = consumers.beforeApplicationShutdown();
    expect(queues.map((queue) => queue.pause.mock.calls.length)).toEqual([1, 1, 1]);
    for (const finish of finishes) finish();
    await expect(drained).resolves.toBeUndefined();
  });
});

describe('QueueProcessor: a job given up', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is reported to `gaveUp` once its last attempt failed, not at the attempts before', () => {
    const queue = Object.assign(new EventEmitter(), {
      name: 'deliveries',
      process: () => Promise.resolve(),
    });
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const gaveUp = jest.fn(() => Promise.resolve());
    new QueueProcessor(queue as unknown as Queue<{ requestId: string }>, {
      jobName: 'deliver',
      concurrency: 1,
      writers: 1,
      store: () => Promise.resolve(),
      metrics: {} as MetricsService,
      consumers: new QueueConsumers(),
      gaveUp,
    }).onApplicationBootstrap();
    const job = { id: '7', data: { requestId: 'r-1' }, attemptsMade: 1 };
    const error = new Error('broker unreachable');

    queue.emit('failed', { ...job, finishedOn: undefined }, error);
    expect(gaveUp).not.toHaveBeenCalled();
    queue.emit('failed', { ...job, attemptsMade: 8, finishedOn: Date.now() }, error);
    expect(gaveUp).toHaveBeenCalledTimes(1);
    expect(gaveUp).toHaveBeenCalledWith({ requestId: 'r-1' }, error);
  });
});

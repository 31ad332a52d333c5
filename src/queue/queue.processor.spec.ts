import { Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { EventEmitter } from 'node:events';
import type { MetricsService } from '../metrics/metrics.service';
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
    const processor = new QueueProcessor(queue as unknown as Queue<{ requestId: string }>, {
      jobName: 'ingest',
      concurrency: 1,
      writers: 1,
      store: () => Promise.resolve(),
      metrics: {} as MetricsService,
    });
    processor.onApplicationBootstrap();

    await expect(processor.beforeApplicationShutdown()).resolves.toBeUndefined();
    expect(queue.pause).toHaveBeenCalledWith(true);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('ECONNREFUSED'));
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

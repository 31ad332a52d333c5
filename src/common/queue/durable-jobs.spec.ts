import type { BeforeApplicationShutdown, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { EventEmitter } from 'node:events';
import type { MetricsService } from '../../metrics/metrics.service';
import { consumeInGroups } from './durable-jobs';

describe('consumeInGroups: the shutdown drain', () => {
  it('lets the shutdown go on when Bull cannot reconnect after the jobs in hand (Redis down)', async () => {
    // What Bull's local pause does then: the jobs in hand are done, the reconnection fails.
    const queue = Object.assign(new EventEmitter(), {
      name: 'telemetry',
      process: () => Promise.resolve(),
      pause: jest.fn(() => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6399'))),
    });
    const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };
    consumeInGroups(queue as unknown as Queue<{ requestId: string }>, {
      jobName: 'ingest',
      concurrency: 1,
      writers: 1,
      store: () => Promise.resolve(),
      logger: logger as unknown as Logger,
      metrics: {} as MetricsService,
    });

    const drain = (queue as unknown as BeforeApplicationShutdown).beforeApplicationShutdown();
    await expect(drain).resolves.toBeUndefined();
    expect(queue.pause).toHaveBeenCalledWith(true);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('ECONNREFUSED'));
  });
});

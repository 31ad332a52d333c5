import { Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { EventEmitter } from 'node:events';
import type { QueueMonitor } from './queue-monitor';
import { DURABLE_JOB_OPTIONS, QueueProducer } from './queue.producer';

interface Job {
  id: string;
}

const OPTIONS = {
  jobName: 'complete',
  describe: (job: Job) => `job ${job.id}`,
  unavailableMessage: 'Try again',
};

describe('QueueProducer: jobs due later', () => {
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('with a queue, leaves the delay to Bull, with the durable options', async () => {
    const add = jest.fn(() => Promise.resolve());
    const queue = Object.assign(new EventEmitter(), { name: 'q', add }) as unknown as Queue<Job>;
    const monitor = { watch: jest.fn() } as unknown as QueueMonitor;
    const producer = new QueueProducer<Job>({ queue, monitor }, OPTIONS);

    await producer.add({ id: 'a' }, { delayMs: 2000 });
    await producer.add({ id: 'b' });

    expect(add).toHaveBeenNthCalledWith(
      1,
      'complete',
      { id: 'a' },
      {
        ...DURABLE_JOB_OPTIONS,
        delay: 2000,
      },
    );
    expect(add).toHaveBeenNthCalledWith(
      2,
      'complete',
      { id: 'b' },
      {
        ...DURABLE_JOB_OPTIONS,
        delay: 0,
      },
    );
  });

  describe('without a queue', () => {
    beforeEach(() => jest.useFakeTimers());

    it('stores a job once it is due, not before, and answers at once', async () => {
      const store = jest.fn(() => Promise.resolve());
      const producer = new QueueProducer<Job>({ store }, OPTIONS);

      await producer.add({ id: 'a' }, { delayMs: 2000 });
      jest.advanceTimersByTime(1999);
      expect(store).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
      expect(store).toHaveBeenCalledWith([{ id: 'a' }]);
    });

    it('stores a job without a due time before answering', async () => {
      const store = jest.fn(() => Promise.resolve());
      await new QueueProducer<Job>({ store }, OPTIONS).add({ id: 'a' });
      expect(store).toHaveBeenCalledWith([{ id: 'a' }]);
    });

    it('stores a job due at once after answering: the caller may commit what it reads first', async () => {
      const store = jest.fn(() => Promise.resolve());
      await new QueueProducer<Job>({ store }, OPTIONS).add({ id: 'a' }, { delayMs: 0 });
      expect(store).not.toHaveBeenCalled();
      jest.advanceTimersByTime(0);
      expect(store).toHaveBeenCalledWith([{ id: 'a' }]);
    });

    it('logs a job that fails when due: nobody waits for it any more', async () => {
      const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      const store = jest.fn(() => Promise.reject(new Error('database down')));
      await new QueueProducer<Job>({ store }, OPTIONS).add({ id: 'a' }, { delayMs: 10 });

      await jest.advanceTimersByTimeAsync(10);
      expect(error).toHaveBeenCalledWith('Could not store job a: Error: database down');
    });

    it('drops the jobs not yet due when the application shuts down', async () => {
      const store = jest.fn(() => Promise.resolve());
      const producer = new QueueProducer<Job>({ store }, OPTIONS);
      await producer.add({ id: 'a' }, { delayMs: 10 });

      producer.onApplicationShutdown();
      jest.advanceTimersByTime(10);
      expect(store).not.toHaveBeenCalled();
      expect(jest.getTimerCount()).toBe(0);
    });
  });
});

import Bull from 'bull';
import { randomBytes } from 'node:crypto';
import { readQueueDepth } from '../src/queue/queue-depth';
import { describeWithRedis, testRedisUrl } from './utils/test-database';

describeWithRedis('queue depth (Redis)', () => {
  const queue = new Bull('depth', testRedisUrl()!, {
    prefix: `fh-test-${randomBytes(4).toString('hex')}`,
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('counts the wait of a job added with a delay from when it was due, not from when it was added', async () => {
    const job = await queue.add({}, { delay: 3_600_000 });
    expect(await readQueueDepth(queue, 1000)).toMatchObject({
      waiting: 0,
      delayed: 1,
      oldestWaitingAgeSeconds: 0,
    });

    // As if added an hour ago, and due now.
    await queue.client.hset(queue.toKey(String(job.id)), 'timestamp', Date.now() - 3_600_000);
    await job.promote();
    const depth = await readQueueDepth(queue, 1000);
    expect(depth).toMatchObject({ waiting: 1, delayed: 0 });
    expect(depth.oldestWaitingAgeSeconds).toBeLessThan(60);

    // A job due when added has waited since then.
    await queue.empty();
    const now = await queue.add({});
    await queue.client.hset(queue.toKey(String(now.id)), 'timestamp', Date.now() - 120_000);
    expect((await readQueueDepth(queue, 1000)).oldestWaitingAgeSeconds).toBeGreaterThanOrEqual(120);
  });
});

import Bull from 'bull';
import { randomBytes } from 'node:crypto';
import { returnUnstartedJobs } from '../src/queue/unstarted-jobs';
import { describeWithRedis, testRedisUrl } from './utils/test-database';

describeWithRedis('jobs taken but not started, put back at shutdown (Redis)', () => {
  const prefix = `fh-test-${randomBytes(4).toString('hex')}`;
  const consumer = new Bull('unstarted', testRedisUrl()!, { prefix });
  const other = new Bull('unstarted', testRedisUrl()!, { prefix });
  afterAll(async () => {
    await consumer.obliterate({ force: true });
    await Promise.all([consumer.close(), other.close()]);
  });

  it("returns this consumer's locked jobs to the head of the queue and leaves another's alone", async () => {
    const [first, second, third] = await consumer.addBulk(
      ['a', 'b', 'c'].map((name) => ({ data: { name } })),
    );
    // Taken, as a completion's fetch of the next job takes one: active, locked by the taker.
    const mine = await consumer.getNextJob();
    const theirs = await other.getNextJob();
    expect([mine?.id, theirs?.id]).toEqual([first.id, second.id]);

    expect(await returnUnstartedJobs(consumer)).toBe(1);

    expect((await consumer.getActive()).map((job) => job.id)).toEqual([second.id]);
    expect(await consumer.client.exists(`${consumer.toKey(String(first.id))}:lock`)).toBe(0);
    expect(await consumer.client.exists(`${consumer.toKey(String(second.id))}:lock`)).toBe(1);
    // Next to be taken again, before the job that was waiting behind it.
    expect((await other.getNextJob())?.id).toBe(first.id);
    expect((await other.getNextJob())?.id).toBe(third.id);
  });
});

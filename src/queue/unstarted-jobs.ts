import type { Queue } from 'bull';
import { withTimeout } from '../common/with-timeout';
import { LuaScript } from '../redis/lua-script';

/**
 * Puts a job back at the head of its queue (next to be taken) if this consumer holds its lock:
 * unlocks it and moves it from the active list to the wait list (the paused list while the queue
 * is paused for every consumer), all at once.
 *
 * KEYS: the job's lock, active, wait, paused, meta-paused. ARGV: the consumer's lock token, job id.
 */
const RETURN_TO_WAIT = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
if redis.call('LREM', KEYS[2], 1, ARGV[2]) == 0 then return 0 end
local target = KEYS[3]
if redis.call('EXISTS', KEYS[5]) == 1 then target = KEYS[4] end
redis.call('RPUSH', target, ARGV[2])
return 1
`);

const TIMEOUT_MS = 5_000;

/**
 * Returns to the queue the jobs this consumer took but never started, once it has stopped taking
 * jobs (a local pause) and finished the ones it had started; how many. Bull completes a job and
 * takes the next in one script: a completion sent just before the pause still takes a job, which
 * the paused consumer then holds, locked and never started, until its lock expires and another
 * worker counts it as stalled (a second stall fails it). Only jobs locked with this consumer's
 * token are touched.
 */
export async function returnUnstartedJobs(queue: Queue): Promise<number> {
  // Bull's lock token for the jobs this queue instance takes (not part of its typings).
  const { token } = queue as unknown as { token: string };
  let returned = 0;
  // Ids only: the jobs' data is not needed, and a Redis that does not answer ends the wait.
  const active = await withTimeout(
    queue.client.lrange(queue.toKey('active'), 0, -1),
    TIMEOUT_MS,
    `Listing the active jobs of queue ${queue.name}`,
  );
  for (const id of active) {
    const keys = [
      `${queue.toKey(id)}:lock`,
      ...['active', 'wait', 'paused', 'meta-paused'].map((key) => queue.toKey(key)),
    ];
    returned += Number(await RETURN_TO_WAIT.run(queue.client, keys, [token, id], TIMEOUT_MS));
  }
  return returned;
}

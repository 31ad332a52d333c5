import type { Queue } from 'bull';
import { LuaScript } from '../redis/lua-script';

/** A queue's jobs by state, and how long its oldest waiting job has waited. */
export interface QueueDepth {
  queue: string;
  waiting: number;
  active: number;
  /** Jobs waiting for their next attempt (retry backoff). */
  delayed: number;
  failed: number;
  /**
   * Seconds since the oldest waiting job was due: queued, or for a job added with a delay, that
   * delay over (a job due in 72 hours has not waited 72 hours when it runs); 0 when none waits.
   */
  oldestWaitingAgeSeconds: number;
}

/**
 * Counts and when the oldest waiting job was due, in one round trip of O(1) commands: Bull's
 * `getWaiting` would fetch the whole job, a batch of up to a megabyte, to read one timestamp.
 * Bull's keys: `wait` and `paused` lists (the oldest at the tail), `active` list, `delayed` and
 * `failed` sorted sets, one hash per job: its `timestamp` when added, and in its `opts` the `delay`
 * it was added with (the hash's own `delay` is zeroed once the job is due).
 */
const READ_DEPTH = new LuaScript(`
local oldest = redis.call('LINDEX', KEYS[1], -1) or redis.call('LINDEX', KEYS[2], -1)
local queuedAt = false
if oldest then
  local job = redis.call('HMGET', ARGV[1] .. oldest, 'timestamp', 'opts')
  if job[1] then
    local decoded, opts = pcall(cjson.decode, job[2] or '{}')
    local delay = decoded and type(opts) == 'table' and tonumber(opts.delay) or 0
    queuedAt = tonumber(job[1]) + delay
  end
end
return {
  redis.call('LLEN', KEYS[1]) + redis.call('LLEN', KEYS[2]),
  redis.call('LLEN', KEYS[3]),
  redis.call('ZCARD', KEYS[4]),
  redis.call('ZCARD', KEYS[5]),
  queuedAt
}`);

/** Reads a queue's depth; rejects after `timeoutMs` rather than wait on a stalled Redis. */
export async function readQueueDepth(queue: Queue, timeoutMs: number): Promise<QueueDepth> {
  await queue.isReady();
  const keys = ['wait', 'paused', 'active', 'delayed', 'failed'].map((type) => queue.toKey(type));
  const [waiting, active, delayed, failed, queuedAt] = (await READ_DEPTH.run(
    queue.client,
    keys,
    [queue.toKey('')],
    timeoutMs,
  )) as [number, number, number, number, number | null];
  const waitedMs = queuedAt === null ? 0 : Math.max(0, Date.now() - Number(queuedAt));
  return {
    queue: queue.name,
    waiting,
    active,
    delayed,
    failed,
    oldestWaitingAgeSeconds: waitedMs / 1000,
  };
}

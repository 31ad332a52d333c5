import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { LuaScript } from '../redis/lua-script';

/**
 * A fixed window per tracker, with a block once the limit is passed, as @nestjs/throttler's
 * in-memory storage does, but in one atomic script so every API process counts into one window.
 *
 * KEYS[1]  hits in the current window (expires with it)
 * KEYS[2]  present while the tracker is blocked
 * ARGV     window ms, limit, block ms
 * Returns  { hits, ms left in the window, 1 | 0 (blocked), ms left blocked }
 */
const INCREMENT_SCRIPT = new LuaScript(`
local blockedMs = redis.call('PTTL', KEYS[2])
if blockedMs > 0 then
  local hits = tonumber(redis.call('GET', KEYS[1]) or '0')
  return { hits, math.max(0, redis.call('PTTL', KEYS[1])), 1, blockedMs }
end
local hits = redis.call('INCR', KEYS[1])
local windowMs = redis.call('PTTL', KEYS[1])
if windowMs < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  windowMs = tonumber(ARGV[1])
end
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return { hits, windowMs, 1, tonumber(ARGV[3]) }
end
return { hits, windowMs, 0, 0 }
`);

const TIMEOUT_MS = 500;

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** @nestjs/throttler's storage on the shared Redis connection (no extra dependency). */
export class RedisThrottlerStorage implements ThrottlerStorage {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    // One hash tag for both keys: the script touches a single Redis Cluster slot.
    const base = `${this.keyPrefix}:{${throttlerName}:${key}}`;
    const reply = await INCREMENT_SCRIPT.run(
      this.redis,
      [`${base}:hits`, `${base}:blocked`],
      [Math.max(1, Math.ceil(ttl)), limit, Math.max(1, Math.ceil(blockDuration))],
      TIMEOUT_MS,
    );
    const [totalHits, windowMs, blocked, blockedMs] = reply as [number, number, number, number];
    return {
      totalHits,
      timeToExpire: Math.ceil(windowMs / 1000),
      isBlocked: blocked === 1,
      timeToBlockExpire: Math.ceil(blockedMs / 1000),
    };
  }
}

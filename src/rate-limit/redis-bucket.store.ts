import type Redis from 'ioredis';
import { LuaScript } from '../redis/lua-script';
import { BucketStore } from './bucket-store';
import { TOKEN_EPSILON, type BucketCharge, type TakeResult } from './token-bucket';

/**
 * `token-bucket.ts` in Lua, so that refill, check and charge of all of a request's buckets are
 * one atomic step on Redis, in one round trip, whichever API process sends it.
 *
 * KEYS[i]            bucket i: a hash { tokens, at } (its level, and the Redis time in ms of it)
 * ARGV[3i-2 .. 3i]   capacity, refill per second, cost of bucket i
 * Returns            { 1 | 0 (granted), level_1, ..., level_n }: levels after paying (granted) or
 *                    as refilled now with nothing taken (denied), as strings, because Redis would
 *                    truncate Lua numbers in a reply to integers.
 *
 * Time comes from Redis (TIME), never from the callers, whose clocks may disagree. A granted
 * take writes each bucket and PEXPIREs it when it would be full again, so idle buckets cost no
 * memory; a denied take writes nothing. Every key of one call carries the same {tenant} hash tag,
 * so the script also runs on Redis Cluster.
 */
const TAKE_SCRIPT = new LuaScript(`
if redis.replicate_commands then redis.replicate_commands() end
local epsilon = ${TOKEN_EPSILON}
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + tonumber(clock[2]) / 1000
local levels = {}
local granted = 1
for i = 1, #KEYS do
  local capacity = tonumber(ARGV[3 * i - 2])
  local rate = tonumber(ARGV[3 * i - 1])
  local cost = tonumber(ARGV[3 * i])
  local state = redis.call('HMGET', KEYS[i], 'tokens', 'at')
  local level = capacity
  if state[1] and state[2] then
    local elapsed = math.max(0, now - tonumber(state[2]))
    level = math.min(capacity, tonumber(state[1]) + elapsed * rate / 1000)
  end
  levels[i] = level
  if level + epsilon < cost then granted = 0 end
end
local reply = { granted }
for i = 1, #KEYS do
  local level = levels[i]
  if granted == 1 then
    local capacity = tonumber(ARGV[3 * i - 2])
    local rate = tonumber(ARGV[3 * i - 1])
    level = math.max(0, level - tonumber(ARGV[3 * i]))
    redis.call('HSET', KEYS[i], 'tokens', string.format('%.17g', level), 'at', string.format('%.17g', now))
    redis.call('PEXPIRE', KEYS[i], math.max(1, math.ceil((capacity - level) * 1000 / rate)))
  end
  reply[i + 1] = string.format('%.17g', level)
end
return reply
`);

/** A client waiting on Redis longer than this gets an error (a 503 on telemetry), not a hung request. */
const DEFAULT_TIMEOUT_MS = 1000;

/** Token buckets shared by every process on one Redis. */
export class RedisBucketStore extends BucketStore {
  constructor(
    private readonly redis: Redis,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {
    super();
  }

  async take(charges: readonly BucketCharge[]): Promise<TakeResult> {
    const keys = charges.map((charge) => charge.key);
    const args = charges.flatMap((charge) => [
      charge.capacity,
      charge.refillPerSecond,
      charge.cost,
    ]);
    const reply = await TAKE_SCRIPT.run(this.redis, keys, args, this.timeoutMs);
    if (!Array.isArray(reply) || reply.length !== charges.length + 1) {
      throw new Error('Unexpected reply from the token-bucket script');
    }
    const [granted, ...levels] = reply as [number, ...string[]];
    return { allowed: granted === 1, tokens: levels.map(Number) };
  }
}

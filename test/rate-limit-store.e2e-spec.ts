import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BucketStore } from '../src/rate-limit/bucket-store';
import { Clock } from '../src/rate-limit/clock';
import { MemoryBucketStore } from '../src/rate-limit/memory-bucket.store';
import { RedisBucketStore } from '../src/rate-limit/redis-bucket.store';
import { RedisThrottlerStorage } from '../src/rate-limit/redis-throttler.storage';
import type { BucketCharge } from '../src/rate-limit/token-bucket';
import { describeWithRedis, testRedisUrl } from './utils/test-database';

/**
 * The token-bucket stores against one contract: the memory store on a clock the test moves, the
 * Redis store on real Redis time (where time matters, the assertions allow for the refill of the
 * milliseconds that really passed). Plus what only Redis can show: several processes sharing
 * buckets, and the sustained throughput the spec promises.
 */

interface StoreHarness {
  store: BucketStore;
  /** A key no other test uses. */
  key(name: string): string;
  /** Lets time pass: the memory store's clock moves; with Redis, real time passes. */
  advance(ms: number): Promise<void>;
  /** Tokens a bucket may have gained beyond exact arithmetic since `sinceMs` (real time passing). */
  slack(refillPerSecond: number, sinceMs: number): number;
  /** Whether the store still holds a bucket. */
  remembers(key: string): Promise<boolean>;
}

class ManualClock extends Clock {
  constructor(public ms = 1_000_000) {
    super();
  }

  now(): number {
    return this.ms;
  }
}

const charge = (
  key: string,
  cost: number,
  capacity: number,
  refillPerSecond: number,
): BucketCharge => ({ key, cost, capacity, refillPerSecond });

function bucketStoreContract(makeHarness: () => StoreHarness): void {
  let h: StoreHarness;
  let since: number;
  beforeEach(() => {
    h = makeHarness();
    since = performance.now();
  });

  /** `actual` is `expected`, or a little above it by the refill real time may have added. */
  const expectLevel = (actual: number, expected: number, refillPerSecond: number) => {
    expect(actual).toBeGreaterThanOrEqual(expected - 1e-9);
    expect(actual).toBeLessThanOrEqual(expected + h.slack(refillPerSecond, since) + 1e-9);
  };

  it('starts a bucket it has never seen full, and charges it', async () => {
    const result = await h.store.take([charge(h.key('a'), 3, 10, 1)]);
    expect(result.allowed).toBe(true);
    expectLevel(result.tokens[0], 7, 1);
  });

  it('refuses a cost the bucket lacks, takes nothing, and reports its level', async () => {
    const key = h.key('a');
    expect((await h.store.take([charge(key, 4, 5, 1)])).allowed).toBe(true);
    const refused = await h.store.take([charge(key, 2, 5, 1)]);
    expect(refused.allowed).toBe(false);
    expectLevel(refused.tokens[0], 1, 1);
    const after = await h.store.take([charge(key, 1, 5, 1)]);
    expect(after.allowed).toBe(true);
    expectLevel(after.tokens[0], 0, 1);
  });

  it('charges all buckets of a request or none of them', async () => {
    const [a, b] = [h.key('a'), h.key('b')];
    const first = await h.store.take([charge(a, 2, 10, 1), charge(b, 3, 3, 1)]);
    expect(first.allowed).toBe(true);
    expectLevel(first.tokens[0], 8, 1);
    expectLevel(first.tokens[1], 0, 1);

    const refused = await h.store.take([charge(a, 5, 10, 1), charge(b, 1, 3, 1)]);
    expect(refused.allowed).toBe(false);
    expectLevel(refused.tokens[0], 8, 1);
    expectLevel(refused.tokens[1], 0, 1);

    // a kept its 8 tokens: the refusal took nothing from it
    const rest = await h.store.take([charge(a, 8, 10, 1)]);
    expect(rest.allowed).toBe(true);
    expectLevel(rest.tokens[0], 0, 1);
  });

  it('refills at the refill rate, never beyond the capacity', async () => {
    const key = h.key('a');
    expect((await h.store.take([charge(key, 10, 10, 20)])).allowed).toBe(true);
    expect((await h.store.take([charge(key, 1, 10, 20)])).allowed).toBe(false);
    await h.advance(250);
    // Exact arithmetic counts the 250 ms; only the time beyond them is slack.
    since += 250;
    const refilled = await h.store.take([charge(key, 5, 10, 20)]);
    expect(refilled.allowed).toBe(true);
    expectLevel(refilled.tokens[0], 0, 20);

    await h.advance(1000);
    since = performance.now();
    const full = await h.store.take([charge(key, 10, 10, 20)]);
    expect(full.allowed).toBe(true);
    expectLevel(full.tokens[0], 0, 20);
  });

  it('refuses a cost beyond the capacity, taking nothing and storing nothing', async () => {
    const key = h.key('a');
    const refused = await h.store.take([charge(key, 6, 5, 1)]);
    expect(refused).toEqual({ allowed: false, tokens: [5] });
    expect(await h.remembers(key)).toBe(false);
  });

  it('keeps buckets apart by key', async () => {
    const [a, b] = [h.key('a'), h.key('b')];
    expect((await h.store.take([charge(a, 1, 1, 0.001)])).allowed).toBe(true);
    expect((await h.store.take([charge(b, 1, 1, 0.001)])).allowed).toBe(true);
    expect((await h.store.take([charge(a, 1, 1, 0.001)])).allowed).toBe(false);
  });

  it('forgets a bucket once it would be full again', async () => {
    const key = h.key('a');
    // Full again after 400 ms: long enough that a loaded machine still checks it in time.
    await h.store.take([charge(key, 2, 10, 5)]);
    expect(await h.remembers(key)).toBe(true);
    await h.advance(1000);
    expect(await h.remembers(key)).toBe(false);
    const again = await h.store.take([charge(key, 10, 10, 100)]);
    expect(again.allowed).toBe(true);
  });

  it('clamps a level to a capacity lowered since', async () => {
    const key = h.key('a');
    await h.store.take([charge(key, 1, 100, 1)]);
    const result = await h.store.take([charge(key, 1, 10, 1)]);
    expect(result.allowed).toBe(true);
    expectLevel(result.tokens[0], 9, 1);
  });

  it('never overdraws a bucket under concurrent takes', async () => {
    const key = h.key('a');
    const results = await Promise.all(
      Array.from({ length: 60 }, () => h.store.take([charge(key, 1, 20, 1)])),
    );
    const granted = results.filter((result) => result.allowed).length;
    expect(granted).toBeGreaterThanOrEqual(20);
    expect(granted).toBeLessThanOrEqual(20 + Math.floor(h.slack(1, since)));
  });
}

describe('MemoryBucketStore: the bucket-store contract', () => {
  bucketStoreContract(() => {
    const clock = new ManualClock();
    const store = new MemoryBucketStore(clock);
    const prefix = randomBytes(4).toString('hex');
    return {
      store,
      key: (name) => `${prefix}:${name}`,
      advance: (ms) => {
        clock.ms += ms;
        return Promise.resolve();
      },
      slack: () => 0,
      remembers: (key) => Promise.resolve(store.has(key)),
    };
  });

  it('sweeps forgotten buckets out of memory', async () => {
    const clock = new ManualClock();
    const store = new MemoryBucketStore(clock);
    for (let i = 0; i < 100; i++) await store.take([charge(`k${i}`, 1, 10, 10)]);
    expect(store.size).toBe(100);
    clock.ms += 100;
    expect(store.size).toBe(0);
  });
});

describeWithRedis('RedisBucketStore', () => {
  const connections: Redis[] = [];
  const connect = () => {
    const redis = new Redis(testRedisUrl()!, { maxRetriesPerRequest: 1 });
    connections.push(redis);
    return redis;
  };
  let redis: Redis;
  let prefix: string;
  beforeAll(() => {
    redis = connect();
  });
  beforeEach(() => {
    prefix = `fleethub-test:rl:${randomBytes(6).toString('hex')}`;
  });
  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.quit()));
  });

  describe('the bucket-store contract', () => {
    bucketStoreContract(() => {
      const keyPrefix = `fleethub-test:rl:${randomBytes(6).toString('hex')}`;
      return {
        store: new RedisBucketStore(redis),
        key: (name) => `${keyPrefix}:${name}`,
        advance: (ms) => sleep(ms),
        slack: (refillPerSecond, sinceMs) =>
          (refillPerSecond * (performance.now() - sinceMs + 5)) / 1000,
        remembers: async (key) => (await redis.exists(key)) === 1,
      };
    });
  });

  it('expires a charged bucket when it would be full again', async () => {
    const key = `${prefix}:a`;
    await new RedisBucketStore(redis).take([charge(key, 4, 10, 10)]);
    const pttl = await redis.pttl(key);
    expect(pttl).toBeGreaterThan(300);
    expect(pttl).toBeLessThanOrEqual(400);
  });

  it('keeps working after Redis forgets its scripts (EVALSHA falls back to EVAL)', async () => {
    const store = new RedisBucketStore(redis);
    const since = performance.now();
    await store.take([charge(`${prefix}:a`, 1, 5, 1)]);
    await redis.script('FLUSH');
    const result = await store.take([charge(`${prefix}:a`, 1, 5, 1)]);
    // 5 - 1 - 1, plus what refilled (1 token/s) in the time the two calls took.
    const refilled = (performance.now() - since + 5) / 1000;
    expect(result.allowed).toBe(true);
    expect(result.tokens[0]).toBeGreaterThanOrEqual(3);
    expect(result.tokens[0]).toBeLessThan(3 + refilled);
  });

  it('fails, rather than hangs, when Redis does not answer', async () => {
    const unreachable = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    await expect(
      new RedisBucketStore(unreachable).take([charge(`${prefix}:a`, 1, 5, 1)]),
    ).rejects.toThrow();
    unreachable.disconnect();
  });

  it('holds several processes to one bucket', async () => {
    // Two stores on two connections, as two API processes would be.
    const first = new RedisBucketStore(connect());
    const second = new RedisBucketStore(connect());
    const started = performance.now();
    const bucket = () => [charge(`${prefix}:user`, 1, 100, 1)];
    const drain = async (store: RedisBucketStore) => {
      let granted = 0;
      while ((await store.take(bucket())).allowed) granted++;
      return granted;
    };
    const [byFirst, bySecond] = await Promise.all([drain(first), drain(second)]);
    const slack = Math.floor((performance.now() - started) / 1000) + 1;
    expect(byFirst + bySecond).toBeGreaterThanOrEqual(100);
    expect(byFirst + bySecond).toBeLessThanOrEqual(100 + slack);
    expect(byFirst).toBeGreaterThan(10);
    expect(bySecond).toBeGreaterThan(10);
  });

  it('sustains the spec throughput: ~600 points/s per user, ~300 per IMEI', async () => {
    const store = new RedisBucketStore(redis);
    const user = { capacity: 180, refillPerSecond: 30 };
    const imei = { capacity: 90, refillPerSecond: 15 };
    // Every request is a 20-point batch (1 token): a user spreading them over 100 devices, and
    // another user sending all of them for one device.
    const spread = (i: number) => [
      { key: `${prefix}:user-a`, ...user, cost: 1 },
      { key: `${prefix}:imei-${i % 100}`, ...imei, cost: 1 },
    ];
    const single = () => [
      { key: `${prefix}:user-b`, ...user, cost: 1 },
      { key: `${prefix}:imei-one`, ...imei, cost: 1 },
    ];
    /** Sends as fast as it can: first until the burst is spent, then for `ms`, counting points. */
    const flood = async (request: (i: number) => BucketCharge[], ms: number) => {
      let i = 0;
      while ((await store.take(request(i++))).allowed);
      let accepted = 0;
      const end = performance.now() + ms;
      while (performance.now() < end) {
        if ((await store.take(request(i++))).allowed) accepted += 20;
      }
      return accepted / (ms / 1000);
    };
    const [userRate, imeiRate] = await Promise.all([flood(spread, 10_000), flood(single, 10_000)]);
    expect(userRate).toBeGreaterThan(540);
    expect(userRate).toBeLessThan(660);
    expect(imeiRate).toBeGreaterThan(270);
    expect(imeiRate).toBeLessThan(330);
  }, 30_000);
});

describeWithRedis('RedisThrottlerStorage', () => {
  let redis: Redis;
  let other: Redis;
  beforeAll(() => {
    redis = new Redis(testRedisUrl()!);
    other = new Redis(testRedisUrl()!);
  });
  afterAll(async () => {
    await Promise.all([redis.quit(), other.quit()]);
  });

  it('counts hits in a fixed window, then blocks, shared by every process', async () => {
    const prefix = `fleethub-test:throttle:${randomBytes(6).toString('hex')}`;
    const first = new RedisThrottlerStorage(redis, prefix);
    const second = new RedisThrottlerStorage(other, prefix);
    const hit = (storage: RedisThrottlerStorage) =>
      storage.increment('tracker', 60_000, 3, 60_000, 'default');

    expect(await hit(first)).toEqual({
      totalHits: 1,
      timeToExpire: 60,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
    expect((await hit(second)).totalHits).toBe(2);
    expect((await hit(first)).totalHits).toBe(3);
    const blocked = await hit(second);
    expect(blocked).toMatchObject({ totalHits: 4, isBlocked: true, timeToBlockExpire: 60 });
    expect(await hit(first)).toMatchObject({ isBlocked: true });
    expect((await first.increment('someone-else', 60_000, 3, 60_000, 'default')).isBlocked).toBe(
      false,
    );
  });

  it('opens a new window when the last one expires', async () => {
    const storage = new RedisThrottlerStorage(
      redis,
      `fleethub-test:throttle:${randomBytes(6).toString('hex')}`,
    );
    // A one-second window: wide enough that a loaded machine makes both hits inside it.
    await storage.increment('t', 1000, 1, 1000, 'default');
    expect((await storage.increment('t', 1000, 1, 1000, 'default')).isBlocked).toBe(true);
    await sleep(1100);
    expect(await storage.increment('t', 1000, 1, 1000, 'default')).toMatchObject({
      totalHits: 1,
      isBlocked: false,
    });
  });
});

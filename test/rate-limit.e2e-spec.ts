import { setTimeout as sleep } from 'node:timers/promises';
import type { Response } from 'supertest';
import type { TenantCredentials } from '../src/auth/tenants.service';
import { COMMANDS } from '../src/cli/commands';
import { Clock } from '../src/rate-limit/clock';
import { RateLimitOverridesService } from '../src/rate-limit/rate-limit-overrides.service';
import { northboundCredentials, trackerMessage } from './factories/northbound.factory';
import { apiHeaders, createTenant, issueToken } from './factories/tenant.factory';
import { telemetryPoint } from './factories/telemetry.factory';
import { createTestApp, type TestApp } from './utils/test-app';
import { describeWithRedis } from './utils/test-database';

const TELEMETRY = '/apidev/v1/telemetry';

const point = (imei: string) => telemetryPoint({ imei });

/** `count` points of one IMEI (repeats are harmless: storage is idempotent). */
const batch = (imei: string, count: number) => Array.from({ length: count }, () => point(imei));

interface Caller {
  tenant: TenantCredentials;
  headers: Record<string, string>;
  send(body: unknown, testApp?: TestApp): Promise<Response>;
}

/** A new tenant and a token of its admin user: a user of its own, with fresh buckets. */
async function newCaller(testApp: TestApp): Promise<Caller> {
  const tenant = await createTenant(testApp);
  const headers = apiHeaders(tenant, await issueToken(testApp, tenant));
  return {
    tenant,
    headers,
    send: (body, app = testApp) =>
      app.http
        .post(TELEMETRY)
        .set(headers)
        .send(body as object),
  };
}

function rateHeaders(response: Response) {
  return {
    limit: response.headers['x-ratelimit-limit'],
    remaining: response.headers['x-ratelimit-remaining'],
    reset: response.headers['x-ratelimit-reset'],
  };
}

/** Sends `count` requests, `concurrency` at a time, and returns the answers in order. */
async function sendMany(count: number, send: (i: number) => Promise<Response>, concurrency = 20) {
  const responses: Response[] = [];
  for (let start = 0; start < count; start += concurrency) {
    const chunk = Array.from({ length: Math.min(concurrency, count - start) }, (_, i) =>
      send(start + i),
    );
    responses.push(...(await Promise.all(chunk)));
  }
  return responses;
}

const statuses = (responses: Response[]) => responses.map((response) => response.status);

describe('telemetry rate limits (memory buckets, clock held by the test)', () => {
  let testApp: TestApp;
  let now: number;
  const advance = (ms: number) => {
    now += ms;
  };

  beforeAll(async () => {
    testApp = await createTestApp({ redis: false });
    now = 1_000_000;
    jest.spyOn(testApp.app.get(Clock), 'now').mockImplementation(() => now);
  });
  afterAll(() => testApp.close());

  it('passes 180 one-point requests of a user, refuses the 181st, and passes 30 more a second later', async () => {
    const caller = await newCaller(testApp);
    // A different IMEI each time, so that only the user's bucket (180 tokens, 30/s) is tested.
    const burst = await sendMany(180, (i) => caller.send([point(`burst-${i}`)]));
    expect(statuses(burst)).toEqual(Array(180).fill(200));
    const remaining = burst.map((response) => Number(rateHeaders(response).remaining));
    expect(remaining.sort((a, b) => b - a)).toEqual(Array.from({ length: 180 }, (_, i) => 179 - i));

    const refused = await caller.send([point('burst-180')]);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      success: false,
      error: {
        code: 'RATE_LIMITED',
        message: expect.stringContaining('global bucket') as string,
        details: { bucket: 'global', limit: 180, remaining: 0, cost: 1, retryAfterSeconds: 1 },
      },
      meta: {},
    });
    expect(refused.headers['retry-after']).toBe('1');
    expect(rateHeaders(refused)).toEqual({ limit: '180', remaining: '0', reset: '6' });

    advance(1000);
    const refill = await sendMany(31, (i) => caller.send([point(`refill-${i}`)]), 1);
    expect(statuses(refill)).toEqual([...Array(30).fill(200), 429]);
  }, 20_000);

  it('passes 90 one-point requests for one IMEI, refuses the 91st, and still serves another IMEI', async () => {
    const caller = await newCaller(testApp);
    const same = await sendMany(90, () => caller.send([point('imei-A')]));
    expect(statuses(same)).toEqual(Array(90).fill(200));

    const refused = await caller.send([point('imei-A')]);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toEqual({
      code: 'RATE_LIMITED',
      message: expect.stringContaining('IMEI imei-A') as string,
      details: {
        bucket: 'imei',
        imei: 'imei-A',
        limit: 90,
        remaining: 0,
        cost: 1,
        retryAfterSeconds: 1,
      },
    });
    expect(refused.headers['retry-after']).toBe('1');
    // the user's bucket paid 90, not 91: the refused request took nothing
    expect(rateHeaders(refused).remaining).toBe('90');

    const other = await caller.send([point('imei-B')]);
    expect(other.status).toBe(200);
    expect(rateHeaders(other).remaining).toBe('89');
  });

  it('charges ceil(points / 20): 100 points cost 5, 21 points cost 2', async () => {
    const caller = await newCaller(testApp);
    const hundred = await caller.send(batch('cost-A', 100));
    expect(hundred.status).toBe(200);
    expect(hundred.body.data).toEqual({ accepted: 100, rejected: 0, status: 'OK' });
    expect(rateHeaders(hundred)).toEqual({ limit: '180', remaining: '175', reset: '1' });

    const twentyOne = await caller.send(batch('cost-B', 21));
    expect(rateHeaders(twentyOne)).toEqual({ limit: '180', remaining: '173', reset: '1' });

    const twenty = await caller.send(batch('cost-C', 20));
    expect(rateHeaders(twenty).remaining).toBe('172');
    // 58 tokens short of full at 30 tokens/s: full again in 1.93 s, announced as 2 s
    const more = await caller.send(batch('cost-D', 1000));
    expect(rateHeaders(more)).toEqual({ limit: '180', remaining: '122', reset: '2' });
  });

  it('charges each IMEI of a mixed batch its own share, and a refused request nothing', async () => {
    const caller = await newCaller(testApp);
    await testApp.app
      .get(RateLimitOverridesService)
      .set(caller.tenant.tenant, { imeiCapacity: 10 });

    const mixed = [...batch('mix-A', 25), ...batch('mix-B', 5)];
    const first = await caller.send(mixed);
    expect(first.status).toBe(200);
    expect(rateHeaders(first).remaining).toBe('178'); // 30 points: 2 tokens

    // A paid 2 of its 10 (25 points), so 8 are left: a 9-token batch is refused ...
    const tooMuch = await caller.send(batch('mix-A', 180));
    expect(tooMuch.status).toBe(429);
    expect(tooMuch.body.error.details).toEqual({
      bucket: 'imei',
      imei: 'mix-A',
      limit: 10,
      remaining: 8,
      cost: 9,
      retryAfterSeconds: 1,
    });
    expect(rateHeaders(tooMuch).remaining).toBe('178');

    // ... while B paid 1 (5 points) and can pay 9
    const b = await caller.send(batch('mix-B', 180));
    expect(b.status).toBe(200);
    expect(rateHeaders(b).remaining).toBe('169');

    // and the refusal took nothing from A: its 8 tokens are all there
    const a = await caller.send(batch('mix-A', 160));
    expect(a.status).toBe(200);
    expect(rateHeaders(a).remaining).toBe('161');
    expect((await caller.send([point('mix-A')])).status).toBe(429);
  });

  it('answers Retry-After with the whole seconds until the bucket holds the cost', async () => {
    const caller = await newCaller(testApp);
    await testApp.app.get(RateLimitOverridesService).set(caller.tenant.tenant, {
      globalCapacity: 100,
    });
    expect((await caller.send(batch('retry-A', 1000))).status).toBe(200); // 50 tokens
    const drained = await caller.send(batch('retry-B', 1000));
    expect(rateHeaders(drained)).toEqual({ limit: '100', remaining: '0', reset: '4' });

    const refused = await caller.send(batch('retry-C', 1000));
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('2'); // 50 tokens at 30/s: 1.67 s
    expect(refused.body.error.details).toMatchObject({ bucket: 'global', retryAfterSeconds: 2 });

    advance(1600); // 48 tokens
    const almost = await caller.send(batch('retry-C', 1000));
    expect(almost.status).toBe(429);
    expect(almost.headers['retry-after']).toBe('1');
    expect(rateHeaders(almost).remaining).toBe('48');

    advance(100);
    expect((await caller.send(batch('retry-C', 1000))).status).toBe(200);
  });

  it('refuses a request that costs more than a bucket can ever hold, saying so', async () => {
    const caller = await newCaller(testApp);
    await testApp.app.get(RateLimitOverridesService).set(caller.tenant.tenant, {
      imeiCapacity: 4,
    });
    const refused = await caller.send(batch('huge', 100));
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(/more than the capacity .*send smaller batches/);
    expect(refused.body.error.details).toMatchObject({ bucket: 'imei', limit: 4, cost: 5 });
    expect(refused.headers['retry-after']).toBe('1');
  });

  it('charges invalid batches too, and a body that is not an array one token', async () => {
    const caller = await newCaller(testApp);
    const notArray = await caller.send({ imei: 'x' });
    expect(notArray.status).toBe(400);
    expect(notArray.body.error.code).toBe('VALIDATION_ERROR');
    expect(rateHeaders(notArray)).toEqual({ limit: '180', remaining: '179', reset: '1' });

    const empty = await caller.send([]);
    expect(empty.status).toBe(400);
    expect(rateHeaders(empty).remaining).toBe('178');

    const invalid = await caller.send([...batch('bad', 40), { ...point('bad'), speed: -1 }]);
    expect(invalid.status).toBe(400);
    expect(rateHeaders(invalid).remaining).toBe('175'); // 41 points: 3 tokens
  });

  it('authenticates before it charges anything', async () => {
    const caller = await newCaller(testApp);
    const missing = await testApp.http.post(TELEMETRY).send([point('auth')]);
    expect(missing.status).toBe(400);
    const forged = await testApp.http
      .post(TELEMETRY)
      .set({ ...caller.headers, Authorization: 'Bearer nonsense' })
      .send([point('auth')]);
    expect(forged.status).toBe(401);
    for (const response of [missing, forged]) {
      expect(rateHeaders(response)).toEqual({
        limit: undefined,
        remaining: undefined,
        reset: undefined,
      });
    }
    expect(rateHeaders(await caller.send([point('auth')])).remaining).toBe('179');
  });

  it("applies a tenant's limits, set through RateLimitOverridesService, once its cache entry expires", async () => {
    const caller = await newCaller(testApp);
    const overrides = testApp.app.get(RateLimitOverridesService);
    expect(rateHeaders(await caller.send([point('t-1')])).limit).toBe('180');

    await overrides.set(caller.tenant.tenant, { globalCapacity: 500, globalRefill: 100 });
    expect(rateHeaders(await caller.send([point('t-1')])).limit).toBe('180'); // still cached
    advance(5000);
    const raised = await caller.send([point('t-1')]);
    expect(rateHeaders(raised)).toEqual({ limit: '500', remaining: '499', reset: '1' });

    await overrides.set(caller.tenant.tenant, {}, { reset: true });
    advance(5000);
    expect(rateHeaders(await caller.send([point('t-1')])).limit).toBe('180');
  });
});

describe('the plain per-tenant limit of the other /apidev/v1 routes', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp({ redis: false, env: { RATE_LIMIT_API_PER_MINUTE: '3' } });
  });
  afterAll(() => testApp.close());

  const tokenRequest = (tenant: TenantCredentials) =>
    testApp.http
      .post('/apidev/v1/auth/token')
      .set({ 'X-API-Key': tenant.apiKey, tenant: tenant.tenant })
      .send({ username: tenant.username, password: tenant.password });

  it('limits each tenant to RATE_LIMIT_API_PER_MINUTE requests, and nothing else', async () => {
    const [first, second] = [await createTenant(testApp), await createTenant(testApp)];
    const allowed = [
      await tokenRequest(first),
      await tokenRequest(first),
      await tokenRequest(first),
    ];
    expect(statuses(allowed)).toEqual([200, 200, 200]);
    expect(rateHeaders(allowed[2])).toEqual({ limit: '3', remaining: '0', reset: '60' });

    const refused = await tokenRequest(first);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('60');
    expect(refused.body).toEqual({
      success: false,
      error: {
        code: 'RATE_LIMITED',
        message: 'Too many requests for this tenant: at most 3 per minute; retry in 60 s',
        details: { bucket: 'api', limit: 3, remaining: 0, retryAfterSeconds: 60 },
      },
      meta: {},
    });

    // the Asset Trackers' route never refuses a message for the rate, whoever sends it
    for (let i = 0; i < 4; i++) {
      const message = await testApp.http
        .post('/data')
        .auth(...northboundCredentials(first))
        .send(trackerMessage());
      expect(message.status).toBe(200);
    }

    // another tenant has its own count
    expect((await tokenRequest(second)).status).toBe(200);
    // telemetry has its token buckets instead, and operations routes are never limited
    const token = (await tokenRequest(second)).body.data.accessToken as string;
    const telemetry = await testApp.http
      .post(TELEMETRY)
      .set(apiHeaders(second, token))
      .send([point('plain')]);
    expect(telemetry.status).toBe(200);
    expect(rateHeaders(telemetry).limit).toBe('180');
    for (let i = 0; i < 5; i++) {
      const live = await testApp.http.get('/health/live');
      expect(live.status).toBe(200);
      expect(live.headers['x-ratelimit-limit']).toBeUndefined();
    }
  });
});

describe('telemetry token buckets switched off', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp({
      redis: false,
      env: { RATE_LIMIT_TELEMETRY_ENABLED: 'false', RATE_LIMIT_GLOBAL_CAPACITY: '1' },
    });
  });
  afterAll(() => testApp.close());

  it('neither charges nor refuses, and sends no X-RateLimit headers', async () => {
    const caller = await newCaller(testApp);
    const responses = await sendMany(5, () => caller.send(batch('off-1', 100)));
    expect(statuses(responses)).toEqual([200, 200, 200, 200, 200]);
    expect(rateHeaders(responses[4])).toEqual({
      limit: undefined,
      remaining: undefined,
      reset: undefined,
    });
  });
});

describeWithRedis('telemetry rate limits on Redis (real time)', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp();
  });
  afterAll(() => testApp.close());

  it('passes a burst of about 180 requests, then about 30 a second', async () => {
    const caller = await newCaller(testApp);
    // Waves of concurrent requests, each for another IMEI, so that the user's bucket empties
    // faster than it refills however slow the machine is; real time adds up to 30 tokens/s.
    const started = performance.now();
    const burst: Response[] = [];
    while (!burst.some((response) => response.status === 429) && burst.length < 3000) {
      const offset = burst.length;
      burst.push(...(await sendMany(30, (i) => caller.send([point(`burst-${offset + i}`)]), 30)));
    }
    const burstEnd = performance.now();
    const passed = burst.filter((response) => response.status === 200).length;
    expect(passed).toBeGreaterThanOrEqual(180);
    expect(passed).toBeLessThanOrEqual(180 + Math.ceil((30 * (burstEnd - started)) / 1000) + 1);
    const refused = burst.find((response) => response.status === 429)!;
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.body.error.details).toMatchObject({ bucket: 'global', limit: 180, cost: 1 });
    expect(rateHeaders(refused)).toMatchObject({ limit: '180', remaining: '0' });

    await sleep(1000);
    const wave = await sendMany(60, (i) => caller.send([point(`again-${i}`)]), 60);
    const refilled = wave.filter((response) => response.status === 200).length;
    expect(refilled).toBeGreaterThanOrEqual(30);
    expect(refilled).toBeLessThanOrEqual(
      30 + Math.ceil((30 * (performance.now() - burstEnd - 1000)) / 1000) + 2,
    );
  }, 30_000);

  it('applies limits set with the tenant:limits command within the cache TTL', async () => {
    const caller = await newCaller(testApp);
    expect(rateHeaders(await caller.send([point('cli')])).limit).toBe('180');
    const result = await COMMANDS['tenant:limits'].run(testApp.app, {
      tenant: caller.tenant.tenant,
      'global-capacity': '240',
      'imei-refill': '20',
    });
    expect(result.json).toEqual({
      tenant: caller.tenant.tenant,
      limits: { globalCapacity: 240, globalRefill: null, imeiCapacity: null, imeiRefill: 20 },
    });
    expect(result.text).toContain('global-capacity  240 tokens');

    await sleep(5200);
    expect(rateHeaders(await caller.send([point('cli')])).limit).toBe('240');

    const reset = await COMMANDS['tenant:limits'].run(testApp.app, {
      tenant: caller.tenant.tenant,
      reset: true,
    });
    expect(reset.json).toEqual({
      tenant: caller.tenant.tenant,
      limits: { globalCapacity: null, globalRefill: null, imeiCapacity: null, imeiRefill: null },
    });
    await expect(
      COMMANDS['tenant:limits'].run(testApp.app, {
        tenant: caller.tenant.tenant,
        'imei-capacity': '0',
      }),
    ).rejects.toThrow('--imei-capacity must be a whole number of at least 1');
  }, 15_000);
});

// Both apps live for the whole block: Passport strategies are process-wide, so the app created
// last serves the guards of both (on the same database, which is what this test wants).
describeWithRedis('two app instances on one Redis', () => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    first = await createTestApp();
    second = await createTestApp({
      databaseUrl: first.config.database.url,
      env: { QUEUE_PREFIX: first.config.queue.prefix },
    });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it('hold their combined traffic to one user bucket and one IMEI bucket', async () => {
    const caller = await newCaller(first);
    // Slow refill (1 token/s), so that real time barely blurs the counts.
    await first.app.get(RateLimitOverridesService).set(caller.tenant.tenant, {
      globalCapacity: 60,
      globalRefill: 1,
      imeiCapacity: 20,
      imeiRefill: 1,
    });
    const apps = [first, second];
    const started = performance.now();
    const slack = () => Math.ceil((performance.now() - started) / 1000) + 1;

    const sameImei = await sendMany(40, (i) => caller.send([point('shared')], apps[i % 2]), 1);
    const passedImei = sameImei.filter((response) => response.status === 200).length;
    expect(passedImei).toBeGreaterThanOrEqual(20);
    expect(passedImei).toBeLessThanOrEqual(20 + slack());
    for (const app of [0, 1]) {
      const seen = statuses(sameImei.filter((_, i) => i % 2 === app));
      expect(seen).toContain(200);
      expect(seen).toContain(429);
    }
    expect(sameImei.find((response) => response.status === 429)?.body.error.details).toMatchObject({
      bucket: 'imei',
      imei: 'shared',
      limit: 20,
    });

    // the user's bucket has about 60 - 20 tokens left, whichever app answers
    const spread = await sendMany(80, (i) => caller.send([point(`spread-${i}`)], apps[i % 2]), 1);
    const passedSpread = spread.filter((response) => response.status === 200).length;
    expect(passedSpread + passedImei).toBeGreaterThanOrEqual(60);
    expect(passedSpread + passedImei).toBeLessThanOrEqual(60 + slack());
    const refused = spread.filter((response) => response.status === 429);
    expect(refused[0].body.error.details).toMatchObject({ bucket: 'global', limit: 60 });
    expect(new Set(refused.map((response) => rateHeaders(response).limit))).toEqual(
      new Set(['60']),
    );
  }, 30_000);
});

describeWithRedis('telemetry rate limits when Redis is unreachable', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp({ env: { REDIS_URL: 'redis://127.0.0.1:1', ROLE: 'api' } });
  });
  afterAll(() => testApp.close());

  it('refuses telemetry with 503 (fail closed) but still issues tokens (fail open)', async () => {
    const tenant = await createTenant(testApp);
    const token = await issueToken(testApp, tenant);
    const response = await testApp.http
      .post(TELEMETRY)
      .set(apiHeaders(tenant, token))
      .send([point('down')]);
    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(response.headers['retry-after']).toBe('1');
  });
});

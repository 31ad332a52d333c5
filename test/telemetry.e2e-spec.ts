import { getQueueToken } from '@nestjs/bull';
import type { JobCounts, Queue } from 'bull';
import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import type { TenantCredentials } from '../src/auth/tenants.service';
import { TELEMETRY_QUEUE } from '../src/telemetry/telemetry.queue';
import { fuzzBodies } from './factories/telemetry-fuzz.factory';
import {
  examplePoints,
  pointSeries,
  randomImei,
  telemetryPoint,
  type TelemetryPointBody,
} from './factories/telemetry.factory';
import { apiHeaders, createTenant, issueToken } from './factories/tenant.factory';
import { seededRandom } from './utils/prng';
import { isValidBatch, parseAsServer } from './utils/telemetry-oracle';
import { createTestApp, type TestApp, type TestAppOptions } from './utils/test-app';
import { describeWithRedis, testRedisUrl } from './utils/test-database';
import { waitFor } from './utils/wait';

const PATH = '/apidev/v1/telemetry';

const accepted = (count: number) => ({
  success: true,
  data: { accepted: count, rejected: 0, status: 'OK' },
  meta: {},
});

interface Issue {
  index?: number;
  field?: string;
  message: string;
}
interface ErrorBody {
  success: false;
  error: { code: string; message: string; details?: Issue[] };
  meta: Record<string, unknown>;
}

/** Token buckets too large to get in the way of these tests. */
function appOptions(options: TestAppOptions = {}): TestAppOptions {
  return {
    ...options,
    env: {
      RATE_LIMIT_GLOBAL_CAPACITY: '1000000',
      RATE_LIMIT_GLOBAL_REFILL: '1000000',
      RATE_LIMIT_IMEI_CAPACITY: '1000000',
      RATE_LIMIT_IMEI_REFILL: '1000000',
      ...options.env,
    },
  };
}

/** An app, a tenant of it, a token and the three auth headers, plus readers of what got stored. */
class Harness {
  private constructor(
    readonly testApp: TestApp,
    readonly tenant: TenantCredentials,
    readonly tenantId: string,
    readonly headers: Record<string, string>,
  ) {}

  static async start(options: TestAppOptions): Promise<Harness> {
    const testApp = await createTestApp(options);
    try {
      const { tenant, tenantId, headers } = await Harness.newTenant(testApp);
      return new Harness(testApp, tenant, tenantId, headers);
    } catch (error) {
      await testApp.close();
      throw error;
    }
  }

  static async newTenant(testApp: TestApp, name = 'Telemetry Fleet') {
    const tenant = await createTenant(testApp, name);
    const headers = apiHeaders(tenant, await issueToken(testApp, tenant));
    const [{ id }] = await testApp.dataSource.query<{ id: string }[]>(
      'SELECT id FROM tenants WHERE slug = $1',
      [tenant.tenant],
    );
    return { tenant, tenantId: id, headers };
  }

  post(body: unknown, headers = this.headers) {
    return this.testApp.http
      .post(PATH)
      .set(headers)
      .send(body as object);
  }

  postRaw(text: string | Buffer, headers = this.headers) {
    return this.testApp.http
      .post(PATH)
      .set(headers)
      .set('Content-Type', 'application/json')
      .send(text);
  }

  positions(imei: string, tenantId = this.tenantId): Promise<Record<string, unknown>[]> {
    return this.testApp.dataSource.query(
      `SELECT p.* FROM positions p JOIN devices d ON d.id = p.device_id
       WHERE d.tenant_id = $1 AND d.external_id = $2 ORDER BY p.recorded_at, p.eventcode`,
      [tenantId, imei],
    );
  }

  devices(imei: string): Promise<Record<string, unknown>[]> {
    return this.testApp.dataSource.query(
      'SELECT * FROM devices WHERE external_id = $1 ORDER BY id',
      [imei],
    );
  }

  async device(
    imei: string,
    tenantId = this.tenantId,
  ): Promise<Record<string, unknown> | undefined> {
    const rows = await this.testApp.dataSource.query<Record<string, unknown>[]>(
      'SELECT * FROM devices WHERE tenant_id = $1 AND external_id = $2',
      [tenantId, imei],
    );
    return rows[0];
  }

  events(imei: string): Promise<Record<string, unknown>[]> {
    return this.testApp.dataSource.query(
      `SELECT e.* FROM device_events e JOIN devices d ON d.id = e.device_id
       WHERE d.tenant_id = $1 AND d.external_id = $2 ORDER BY e.occurred_at, e.type`,
      [this.tenantId, imei],
    );
  }

  /** Positions of `imei`, once there are (at least) `count` of them, or whatever is there after 5 s. */
  positionsOnceStored(imei: string, count: number) {
    return waitFor(
      () => this.positions(imei),
      (rows) => rows.length >= count,
    );
  }

  private queue(): Queue {
    return this.testApp.app.get<Queue>(getQueueToken(TELEMETRY_QUEUE), { strict: false });
  }

  /** The queue's counts once nothing is waiting, running or waiting for a retry (or after 10 s). */
  queueSettled(): Promise<JobCounts> {
    const queue = this.queue();
    return waitFor(
      () => queue.getJobCounts(),
      (counts) => counts.waiting + counts.active + counts.delayed === 0,
      { timeoutMs: 10_000 },
    );
  }

  async close(): Promise<void> {
    const queue = this.testApp.config.redis.url ? this.queue() : undefined;
    // Only the run's own Redis: obliterating a queue on an unreachable one would wait forever.
    if (queue && this.testApp.config.redis.url === testRedisUrl()) {
      await queue.obliterate({ force: true }).catch(() => undefined);
    }
    await this.testApp.close();
  }
}

const at = (datetime: string) => new Date(`${datetime}Z`).toISOString();
const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : value);

/** Asserts a 400 VALIDATION_ERROR envelope and returns its details (none: []). */
function expectValidationError(response: Response): Issue[] {
  const body = response.body as ErrorBody;
  expect({
    status: response.status,
    body: { ...body, error: { ...body.error, details: undefined } },
  }).toEqual({
    status: 400,
    body: {
      success: false,
      error: { code: 'VALIDATION_ERROR', message: expect.any(String) },
      meta: {},
    },
  });
  return body.error.details ?? [];
}

/** What the spec example stores, row by row, with the JavaScript types node-postgres gives. */
function expectExampleStored(rows: Record<string, unknown>[], tenantId: string): void {
  expect(rows).toHaveLength(2);
  const [first, second] = rows;
  expect({ ...first, recorded_at: iso(first.recorded_at) }).toMatchObject({
    device_id: expect.any(String),
    recorded_at: '2026-04-04T14:30:00.000Z',
    received_at: expect.any(Date),
    eventcode: '101',
    tenant_id: tenantId,
    source: 'telemetry',
    fix: true,
    lat: -34.6037,
    lon: -58.3816,
    altitude: 25,
    speed: 45,
    heading: 180,
    satellites: 12,
    ignition: true,
    odometer: 125430,
    accuracy: 3.5,
    horometer: null,
    address: null,
  });
  expect({ ...second, recorded_at: iso(second.recorded_at) }).toMatchObject({
    device_id: first.device_id,
    recorded_at: '2026-04-04T14:30:30.000Z',
    eventcode: '101',
    tenant_id: tenantId,
    source: 'telemetry',
    fix: true,
    lat: -34.604,
    lon: -58.382,
    altitude: 25,
    speed: 48,
    heading: 185,
    satellites: null,
    ignition: null,
    odometer: null,
    accuracy: null,
  });
  for (const column of ['lat', 'lon', 'odometer', 'accuracy', 'satellites']) {
    expect({ column, type: typeof first[column] }).toEqual({ column, type: 'number' });
  }
}

describeWithRedis('POST /apidev/v1/telemetry (queued: Redis and a worker in the process)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start(appOptions());
  });
  afterAll(() => h.close());

  describe('the spec example', () => {
    it('is accepted with the exact success body, then both points are stored with their types', async () => {
      const imei = randomImei();
      const response = await h.post(examplePoints(imei));
      expect(response.status).toBe(200);
      expect(response.body).toStrictEqual(accepted(2));
      expect(response.headers['content-type']).toMatch(/^application\/json/);

      expectExampleStored(await h.positionsOnceStored(imei, 2), h.tenantId);
      const device = await h.device(imei);
      expect(device).toMatchObject({
        tenant_id: h.tenantId,
        external_id: imei,
        kind: 'tracker',
        latest_position: expect.objectContaining({
          eventcode: '101',
          fix: true,
          lat: -34.604,
          lon: -58.382,
          speed: 48,
          heading: 185,
        }),
        last_fix_position: expect.objectContaining({ lat: -34.604, lon: -58.382 }),
      });
      expect(iso(device!.latest_recorded_at)).toBe(at('2026-04-04T14:30:30'));
      expect(iso(device!.last_fix_recorded_at)).toBe(at('2026-04-04T14:30:30'));
    });
  });

  describe('error codes', () => {
    it.each([
      ['an invalid JWT', { Authorization: 'Bearer not.a.jwt' }],
      ['a JWT signed with another secret', { Authorization: `Bearer ${forgedJwt()}` }],
      ['an unknown API key', { 'X-API-Key': 'fh_live_unknownkey0000000000000000' }],
      ['an unknown tenant', { tenant: 't-does-not-exist' }],
    ])('401 UNAUTHORIZED with %s', async (_label, override) => {
      const response = await h.post(examplePoints(randomImei()), { ...h.headers, ...override });
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 401,
        body: {
          success: false,
          error: { code: 'UNAUTHORIZED', message: expect.any(String) },
          meta: {},
        },
      });
    });

    it('401 UNAUTHORIZED when the JWT and the API key belong to different tenants', async () => {
      const other = await Harness.newTenant(h.testApp, 'Other Fleet');
      const response = await h.post(examplePoints(randomImei()), {
        ...h.headers,
        Authorization: other.headers.Authorization,
      });
      expect(response.status).toBe(401);
      expect((response.body as ErrorBody).error.code).toBe('UNAUTHORIZED');
    });
  });

  describe('the body as a whole', () => {
    it('1000 points are accepted, 1001 are not', async () => {
      const imei = randomImei();
      expectValidationError(await h.post(pointSeries(imei, 1001)));
      const response = await h.post(pointSeries(imei, 1000));
      expect(response.body).toStrictEqual(accepted(1000));
      expect(await h.positionsOnceStored(imei, 1000)).toHaveLength(1000);
    });

    it('stores nothing of a rejected batch', async () => {
      const rejected = randomImei();
      const batch = pointSeries(rejected, 5);
      batch[3] = { ...batch[3], speed: -5 };
      expectValidationError(await h.post(batch));
      // A later valid batch is a barrier: once it is stored and the queue is idle, nothing else is coming.
      const sentinel = randomImei();
      expect((await h.post(pointSeries(sentinel, 1))).status).toBe(200);
      expect(await h.positionsOnceStored(sentinel, 1)).toHaveLength(1);
      const counts = await h.queueSettled();
      expect(counts).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0 });
      expect(await h.devices(rejected)).toEqual([]);
      expect(await h.positions(rejected)).toEqual([]);
    });
  });

  describe('storage semantics', () => {
    it('a batch delivered twice stores each point once', async () => {
      const imei = randomImei();
      const batch = examplePoints(imei);
      expect((await h.post(batch)).body).toStrictEqual(accepted(2));
      expect((await h.post(batch)).body).toStrictEqual(accepted(2));
      await h.positionsOnceStored(imei, 2);
      expect(await h.queueSettled()).toMatchObject({ failed: 0, delayed: 0 });
      expect(await h.positions(imei)).toHaveLength(2);
    });

    it('text is stored exactly, whatever characters it holds', async () => {
      const imei = randomImei();
      const address = 'Line 1\tTab\nLine 2\r\\N back\\slash "quoted" \u00e9\u{1F697}';
      const point = telemetryPoint({ imei, address });
      expect((await h.post([point])).status).toBe(200);
      const [stored] = await h.positionsOnceStored(imei, 1);
      expect(stored.address).toBe(address);
    });

    it('the same point twice in one batch is stored once', async () => {
      const imei = randomImei();
      const point = telemetryPoint({ imei, eventcode: '116' });
      expect((await h.post([point, point, { ...point }])).body).toStrictEqual(accepted(3));
      await h.positionsOnceStored(imei, 1);
      expect(await h.queueSettled()).toMatchObject({ failed: 0, delayed: 0 });
      expect(await h.positions(imei)).toHaveLength(1);
      expect(await h.events(imei)).toHaveLength(1);
    });

    it('an older batch after a newer one leaves the device on the newer point', async () => {
      const imei = randomImei();
      const newer = telemetryPoint({ imei, datetime: '2026-04-04T15:00:00', latitude: '-34.7' });
      const older = telemetryPoint({ imei, datetime: '2026-04-04T14:00:00', latitude: '-34.5' });
      expect((await h.post([newer])).status).toBe(200);
      await h.positionsOnceStored(imei, 1);
      expect((await h.post([older])).status).toBe(200);
      expect(await h.positionsOnceStored(imei, 2)).toHaveLength(2);
      const device = await h.device(imei);
      expect(iso(device!.latest_recorded_at)).toBe(at('2026-04-04T15:00:00'));
      expect(device!.latest_position).toMatchObject({ lat: -34.7 });
      expect(iso(device!.last_fix_recorded_at)).toBe(at('2026-04-04T15:00:00'));
      expect(device!.last_fix_position).toMatchObject({ lat: -34.7 });
    });

    it('a newer fix:false point moves the latest position but never the last fix', async () => {
      const imei = randomImei();
      const fixed = telemetryPoint({ imei, datetime: '2026-04-04T14:00:00', latitude: '-34.1' });
      const unfixed = telemetryPoint({
        imei,
        fix: false,
        datetime: '2026-04-04T14:05:00',
        latitude: '-10.0',
      });
      expect((await h.post([fixed])).status).toBe(200);
      await h.positionsOnceStored(imei, 1);
      expect((await h.post([unfixed])).status).toBe(200);
      const rows = await h.positionsOnceStored(imei, 2);
      expect(rows.map((row) => row.fix)).toEqual([true, false]);
      const device = await h.device(imei);
      expect(iso(device!.latest_recorded_at)).toBe(at('2026-04-04T14:05:00'));
      expect(device!.latest_position).toMatchObject({ fix: false, lat: -10 });
      expect(iso(device!.last_fix_recorded_at)).toBe(at('2026-04-04T14:00:00'));
      expect(device!.last_fix_position).toMatchObject({ fix: true, lat: -34.1 });
    });

    it('within one batch too, and a device with only fix:false points has no last fix', async () => {
      const mixed = randomImei();
      const onlyUnfixed = randomImei();
      const response = await h.post([
        telemetryPoint({ imei: mixed, fix: false, datetime: '2026-04-04T14:10:00', latitude: '1' }),
        telemetryPoint({ imei: mixed, fix: true, datetime: '2026-04-04T14:00:00', latitude: '2' }),
        telemetryPoint({ imei: onlyUnfixed, fix: false, datetime: '2026-04-04T14:00:00' }),
      ]);
      expect(response.status).toBe(200);
      await h.positionsOnceStored(mixed, 2);
      await h.positionsOnceStored(onlyUnfixed, 1);
      const device = await h.device(mixed);
      expect(device!.latest_position).toMatchObject({ fix: false, lat: 1 });
      expect(device!.last_fix_position).toMatchObject({ fix: true, lat: 2 });
      const unfixedDevice = await h.device(onlyUnfixed);
      expect(unfixedDevice!.latest_position).toMatchObject({ fix: false });
      expect(unfixedDevice!.last_fix_position).toBeNull();
      expect(unfixedDevice!.last_fix_recorded_at).toBeNull();
    });

    it.each([
      ['116', 'BATTERY_LOW'],
      ['162', 'COLISION'],
      ['119', 'IGNICION_OFF'],
    ])('event code %s is also stored as a device event %s', async (code, type) => {
      const imei = randomImei();
      expect((await h.post([telemetryPoint({ imei, eventcode: code })])).status).toBe(200);
      const [position] = await h.positionsOnceStored(imei, 1);
      expect(position).toMatchObject({ eventcode: code });
      const events = await h.events(imei);
      expect(events).toHaveLength(1);
      expect({ ...events[0], occurred_at: iso(events[0].occurred_at) }).toMatchObject({
        type,
        code,
        tenant_id: h.tenantId,
        source: 'telemetry',
        occurred_at: at('2026-04-04T14:30:30'),
      });
    });

    it.each(['101', '113'])('position code %s stores no device event', async (code) => {
      const imei = randomImei();
      expect((await h.post([telemetryPoint({ imei, eventcode: code })])).status).toBe(200);
      // Position and events are written by one statement: once the position is there, so is any event.
      expect(await h.positionsOnceStored(imei, 1)).toHaveLength(1);
      expect(await h.events(imei)).toEqual([]);
    });

    it('two tenants posting the same IMEI get a device each', async () => {
      const imei = randomImei();
      const other = await Harness.newTenant(h.testApp, 'Second Fleet');
      expect((await h.post(examplePoints(imei))).status).toBe(200);
      expect((await h.post([telemetryPoint({ imei, latitude: '10' })], other.headers)).status).toBe(
        200,
      );
      await h.positionsOnceStored(imei, 2);
      await waitFor(
        () => h.positions(imei, other.tenantId),
        (rows) => rows.length >= 1,
      );
      const devices = await h.devices(imei);
      expect(devices).toHaveLength(2);
      expect(devices.map((d) => d.tenant_id).sort()).toEqual([h.tenantId, other.tenantId].sort());
      expect(devices[0].id).not.toBe(devices[1].id);
      const mine = await h.positions(imei);
      const theirs = await h.positions(imei, other.tenantId);
      expect(mine.map((row) => row.tenant_id)).toEqual([h.tenantId, h.tenantId]);
      expect(theirs).toHaveLength(1);
      expect(theirs[0]).toMatchObject({ tenant_id: other.tenantId, lat: 10 });
      expect(theirs[0].device_id).not.toBe(mine[0].device_id);
    });

    it('a valid body behind a UTF-8 byte order mark is stored by the worker (regression)', async () => {
      // The API forwards the body's text to the queue: with the BOM kept, the worker's JSON.parse
      // failed after the 200 and the job was retried until it was given up.
      const imei = randomImei();
      const response = await h.postRaw(`\uFEFF${JSON.stringify(examplePoints(imei))}`);
      expect(response.body).toStrictEqual(accepted(2));
      expect(await h.positionsOnceStored(imei, 2)).toHaveLength(2);
    });

    it('an unpaired surrogate is a 400, not a job PostgreSQL refuses after the 200 (regression)', async () => {
      const imei = randomImei();
      const text = JSON.stringify([telemetryPoint({ imei })]).replace(
        '"imei":',
        '"address":"Av. \\ud800 1234","imei":',
      );
      const details = expectValidationError(await h.postRaw(text));
      expect(details).toEqual([{ index: 0, field: 'address', message: expect.any(String) }]);
    });

    it('leaves no failed or retrying job behind', async () => {
      expect(await h.queueSettled()).toMatchObject({
        waiting: 0,
        active: 0,
        delayed: 0,
        failed: 0,
      });
    });
  });
});

describe('POST /apidev/v1/telemetry (embedded: no Redis, stored inline)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start(appOptions({ redis: false }));
  });
  afterAll(() => h.close());

  it('stores the points before answering 200', async () => {
    expect(h.testApp.config.redis.url).toBeUndefined();
    const imei = randomImei();
    const response = await h.post(examplePoints(imei));
    expect(response.body).toStrictEqual(accepted(2));
    // No polling: the rows are there when the answer is.
    expectExampleStored(await h.positions(imei), h.tenantId);
    expect(await h.device(imei)).toMatchObject({ kind: 'tracker', tenant_id: h.tenantId });
  });

  it('stores non-position codes as events before answering', async () => {
    const imei = randomImei();
    expect((await h.post([telemetryPoint({ imei, eventcode: '116' })])).status).toBe(200);
    expect(await h.events(imei)).toEqual([
      expect.objectContaining({ type: 'BATTERY_LOW', code: '116' }),
    ]);
  });

  it('stores nothing of a rejected batch', async () => {
    const imei = randomImei();
    const batch = pointSeries(imei, 3);
    batch[1] = { ...batch[1], eventcode: '100' };
    expectValidationError(await h.post(batch));
    expect(await h.devices(imei)).toEqual([]);
  });

  it('accepts a valid UTF-8 body that starts with a byte order mark, and stores it', async () => {
    const imei = randomImei();
    const response = await h.postRaw(`\uFEFF${JSON.stringify(examplePoints(imei))}`);
    expect(response.body).toStrictEqual(accepted(2));
    expect(await h.positions(imei)).toHaveLength(2);
  });

  it.each(['imei', 'address'])(
    'rejects an unpaired surrogate in %s (it cannot be stored)',
    async (field) => {
      const imei = randomImei();
      const point = telemetryPoint({
        imei,
        [field]: field === 'imei' ? `${imei}\ud800` : 'Av.\udc00',
      });
      const details = expectValidationError(await h.post([point]));
      expect(details).toEqual([{ index: 0, field, message: expect.any(String) }]);
    },
  );
});

describe('POST /apidev/v1/telemetry (Redis unreachable)', () => {
  let h: Harness;
  let initMs: number;
  beforeAll(async () => {
    const started = Date.now();
    // Nothing listens on 6399: the app must still start (Bull and ioredis connect lazily).
    h = await Harness.start(appOptions({ env: { REDIS_URL: 'redis://127.0.0.1:6399' } }));
    initMs = Date.now() - started;
  });
  afterAll(() => h.close());

  it('starts promptly', () => {
    expect(initMs).toBeLessThan(10_000);
  });

  it('answers a valid batch promptly with 503 SERVICE_UNAVAILABLE, never 200, and stores nothing', async () => {
    const imei = randomImei();
    for (let attempt = 0; attempt < 3; attempt++) {
      const started = Date.now();
      const response = await h.post(examplePoints(imei));
      const elapsed = Date.now() - started;
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 503,
        body: {
          success: false,
          error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String) },
          meta: {},
        },
      });
      expect(response.headers['retry-after']).toBe('1');
      expect(elapsed).toBeLessThan(2000);
    }
    expect(await h.devices(imei)).toEqual([]);
  });
});

describeWithRedis('POST /apidev/v1/telemetry fuzz (seeded)', () => {
  const SEED = 20260404;
  const BODIES = 2000;
  const CONCURRENCY = 16;
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start(appOptions());
  });
  afterAll(() => h.close());

  it(`${BODIES} random and mutated bodies: never a 5xx, 200 exactly for valid batches, all of them stored`, async () => {
    const random = seededRandom(SEED);
    const imeis = Array.from({ length: 12 }, () => randomImei());
    const bodies = fuzzBodies(random, BODIES, imeis);
    const mismatches: string[] = [];
    const statuses = new Map<number, number>();
    const stored: { imei: string; datetime: string; eventcode: string }[] = [];

    const check = async (index: number) => {
      const body = bodies[index];
      let response: Response;
      let text: string;
      if (body.kind === 'raw') {
        text = body.text;
        response = await h.postRaw(body.text);
      } else {
        text = JSON.stringify(body.value);
        response =
          typeof body.value === 'object' && body.value !== null
            ? await h.post(body.value)
            : await h.postRaw(text);
      }
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const parsed = parseAsServer(text);
      const valid = parsed !== undefined && isValidBatch(parsed.parsed);
      const expectedStatus = valid ? 200 : 400;
      const envelopeOk =
        valid && parsed
          ? JSON.stringify(response.body) ===
            JSON.stringify(accepted((parsed.parsed as unknown[]).length))
          : (response.body as ErrorBody).error?.code === 'VALIDATION_ERROR' &&
            ((response.body as ErrorBody).error.details?.length ?? 0) <= 100;
      if (response.status !== expectedStatus || !envelopeOk) {
        mismatches.push(
          `#${index} ${body.label}: expected ${expectedStatus}, got ${response.status} ` +
            `${response.text.slice(0, 300)}\n    body: ${JSON.stringify(text.slice(0, 300))}`,
        );
      }
      if (response.status === 200 && valid && parsed) {
        for (const point of parsed.parsed as TelemetryPointBody[]) {
          stored.push({
            imei: point.imei as string,
            datetime: point.datetime as string,
            eventcode: point.eventcode as string,
          });
        }
      }
    };

    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < bodies.length) await check(next++);
      }),
    );

    expect(mismatches.slice(0, 20)).toEqual([]);
    expect([...statuses.keys()].sort()).toEqual([200, 400]);
    // A real mix: plenty of accepted batches and plenty of rejected ones.
    expect(statuses.get(200)).toBeGreaterThan(BODIES / 5);
    expect(statuses.get(400)).toBeGreaterThan(BODIES / 5);

    // Every accepted point reaches the database, and no job is failing or waiting for a retry.
    const counts = await h.queueSettled();
    expect(counts).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    const [{ missing }] = await h.testApp.dataSource.query<{ missing: number }[]>(
      `SELECT count(*)::int AS missing
       FROM json_to_recordset($1::json) AS k(imei text, datetime text, eventcode text)
       WHERE NOT EXISTS (
         SELECT 1 FROM positions p JOIN devices d ON d.id = p.device_id
         WHERE d.tenant_id = $2 AND d.external_id = k.imei
           AND p.recorded_at = (k.datetime || 'Z')::timestamptz AND p.eventcode = k.eventcode)`,
      [JSON.stringify(stored), h.tenantId],
    );
    expect({ accepted: stored.length, missing }).toEqual({ accepted: stored.length, missing: 0 });
  }, 90_000);
});

/** A well-formed HS256 JWT for this app's claims, signed with the wrong secret. */
function forgedJwt(): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = encode({ alg: 'HS256', typ: 'JWT' });
  const payload = encode({ sub: '00000000-0000-0000-0000-000000000000', exp: 4102444800 });
  return `${header}.${payload}.${randomBytes(32).toString('base64url')}`;
}

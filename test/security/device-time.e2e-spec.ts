import type { TenantCredentials } from '../../src/auth/tenants.service';
import { DataLifecycleService } from '../../src/lifecycle/data-lifecycle.service';
import { monthsAround, type Month } from '../../src/devices/position-partitions';
import {
  northboundCredentials,
  trackerLocation,
  trackerMessage,
} from '../factories/northbound.factory';
import { randomImei, telemetryPoint } from '../factories/telemetry.factory';
import { apiHeaders, createTenant, issueToken } from '../factories/tenant.factory';
import { createTestApp, GENEROUS_RATE_LIMITS, type TestApp } from '../utils/test-app';
import { waitFor } from '../utils/wait';

/**
 * Device times are the device's word: a clock set to 1970, or a batch dated across decades, must
 * neither multiply the partitions of `positions` (every tenant's queries plan over all of them)
 * nor be lost when it is plausible. The window of plausible times is configurable.
 */

const TELEMETRY = '/apidev/v1/telemetry';
const DEVICES = '/apidev/v1/devices';
const DAY_MS = 86_400_000;

interface Issue {
  index?: number;
  field?: string;
  message: string;
}
interface ErrorBody {
  success: false;
  error: { code: string; message: string; details?: Issue[] };
}

const partitionName = (month: Month) => `positions_${month.replace('-', '_')}`;
/** A telemetry datetime (ISO 8601, no zone) of an instant. */
const datetimeOf = (ms: number) => new Date(ms).toISOString().slice(0, 19);

async function tenantOf(testApp: TestApp) {
  const tenant = await createTenant(testApp, 'Device Time Fleet');
  const headers = apiHeaders(tenant, await issueToken(testApp, tenant));
  return { tenant, headers };
}

describe('one batch dated across decades', () => {
  let testApp: TestApp;
  let headers: Record<string, string>;

  beforeAll(async () => {
    // The lifecycle job on its default schedule: it runs at start-up.
    testApp = await createTestApp({ redis: false, env: GENEROUS_RATE_LIMITS });
    ({ headers } = await tenantOf(testApp));
  });
  afterAll(async () => {
    await testApp?.close();
  });

  const partitions = async () =>
    (
      await testApp.dataSource.query<{ name: string }[]>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'positions'::regclass ORDER BY 1`,
      )
    ).map((row) => row.name);

  it('the lifecycle job runs at start-up and partitions the calendar window', async () => {
    // The month before the current one gets its partition from the job alone (the migration
    // makes this month and the ones ahead).
    const window = monthsAround(new Date(), 1, 3).map(partitionName);
    const names = await waitFor(partitions, (found) => window.every((n) => found.includes(n)), {
      timeoutMs: 20_000,
    });
    expect(names).toEqual(expect.arrayContaining(window));
  });

  it('adds at most 3 partitions, and every point is stored and readable', async () => {
    const lifecycle = testApp.app.get(DataLifecycleService);
    // Once the start-up run has let go of the job's lock.
    expect(
      await waitFor(
        () => lifecycle.run(),
        (report) => report !== null,
      ),
    ).not.toBeNull();
    const before = await partitions();

    // The first instant of every month from January 1970 to this one: all spec-valid.
    const imei = randomImei();
    const now = new Date();
    const months = (now.getUTCFullYear() - 1970) * 12 + now.getUTCMonth() + 1;
    const times = Array.from({ length: months }, (_, i) => Date.UTC(1970, i, 1));
    expect(times.length).toBeGreaterThanOrEqual(683);
    const batch = times.map((time) => telemetryPoint({ imei, datetime: datetimeOf(time) }));
    const response = await testApp.http.post(TELEMETRY).set(headers).send(batch);
    expect({ status: response.status, body: response.body as unknown }).toMatchObject({
      status: 200,
      body: { data: { accepted: times.length } },
    });

    const report = await lifecycle.run();
    const added = (await partitions()).filter((name) => !before.includes(name));
    expect(added.length).toBeLessThanOrEqual(3);
    expect(report?.partitionsCreated.length).toBeLessThanOrEqual(3);

    // Still stored, still readable: every point, page by page, through the devices API.
    const recorded: unknown[] = [];
    let cursor: string | null = null;
    do {
      const page = await testApp.http
        .get(`${DEVICES}/${imei}/positions`)
        .query({ limit: '250', ...(cursor ? { cursor } : {}) })
        .set(headers)
        .expect(200);
      const body = page.body as {
        data: { recordedAt: string }[];
        meta: { nextCursor: string | null };
      };
      recorded.push(...body.data.map((item) => item.recordedAt));
      cursor = body.meta.nextCursor;
    } while (cursor);
    expect(recorded).toEqual(times.map((time) => new Date(time).toISOString()));
  }, 120_000);
});

describe('a configured device-time window (a minute ahead, 30 days back)', () => {
  let testApp: TestApp;
  let tenant: TenantCredentials;
  let headers: Record<string, string>;

  beforeAll(async () => {
    testApp = await createTestApp({
      redis: false,
      env: {
        ...GENEROUS_RATE_LIMITS,
        LIFECYCLE_INTERVAL_MINUTES: '0',
        DEVICE_TIME_MAX_FUTURE_SECONDS: '60',
        DEVICE_TIME_MAX_AGE_DAYS: '30',
      },
    });
    ({ tenant, headers } = await tenantOf(testApp));
  });
  afterAll(async () => {
    await testApp?.close();
  });

  const deviceRows = (externalId: string) =>
    testApp.dataSource.query<unknown[]>('SELECT id FROM devices WHERE external_id = $1', [
      externalId,
    ]);

  it.each([
    ['31 days old', -31 * DAY_MS, 'must not be more than 30 days in the past'],
    ['2 minutes ahead', 2 * 60_000, 'must not be more than 1 minute in the future'],
  ])(
    'refuses a telemetry point %s as an invalid datetime, storing nothing',
    async (_label, offset, message) => {
      const imei = randomImei();
      const now = Date.now();
      const batch = [
        telemetryPoint({ imei, datetime: datetimeOf(now - DAY_MS) }),
        telemetryPoint({ imei, datetime: datetimeOf(now + offset) }),
      ];
      const response = await testApp.http.post(TELEMETRY).set(headers).send(batch);
      expect(response.status).toBe(400);
      const body = response.body as ErrorBody;
      expect(body.error.code).toBe('VALIDATION_ERROR');
      expect(body.error.details).toEqual([{ index: 1, field: 'datetime', message }]);
      expect(await deviceRows(imei)).toEqual([]);
    },
  );

  it('accepts a telemetry point inside the window', async () => {
    const imei = randomImei();
    const batch = [telemetryPoint({ imei, datetime: datetimeOf(Date.now() - 29 * DAY_MS) })];
    await testApp.http.post(TELEMETRY).set(headers).send(batch).expect(200);
    expect(await deviceRows(imei)).toHaveLength(1);
  });

  it('drops an Asset Tracker time outside it as the spec drops an impossible value', async () => {
    const old = Math.floor((Date.now() - 31 * DAY_MS) / 1000);
    const message = trackerMessage({
      timestamp: old,
      location: trackerLocation({ timestamp: old }),
      cellInfo: {},
      gnssInfo: {},
    });
    const response = await testApp.http
      .post('/data')
      .auth(...northboundCredentials(tenant))
      .send(message)
      .expect(200);
    const { warnings } = (response.body as { data: { warnings: Issue[] } }).data;
    expect(warnings.map((warning) => warning.field)).toEqual([
      'timestamp',
      'location.timestamp',
      'location',
    ]);
    // Stored, dated by its arrival, without a position.
    const [stored] = await testApp.dataSource.query<{ recorded_at: Date }[]>(
      'SELECT recorded_at FROM tracker_messages WHERE tracker_id = $1',
      [message.trackerId],
    );
    expect(Date.now() - stored.recorded_at.getTime()).toBeLessThan(DAY_MS);
    const positions = await testApp.dataSource.query<unknown[]>(
      `SELECT 1 FROM positions p JOIN devices d ON d.id = p.device_id WHERE d.external_id = $1`,
      [message.trackerId],
    );
    expect(positions).toEqual([]);
  });
});

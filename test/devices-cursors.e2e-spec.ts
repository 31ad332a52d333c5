import { position, storeDeviceData } from './factories/device-data.factory';
import { fleetHistory, storeFleetHistory } from './factories/device-history.factory';
import { randomImei } from './factories/telemetry.factory';
import { createFleet, type Fleet } from './factories/tenant.factory';
import {
  devicesApi,
  expectValidationError,
  type DevicesApi,
  type Envelope,
  type Item,
} from './utils/devices-api';
import { createTestApp, GENEROUS_RATE_LIMITS, type TestApp } from './utils/test-app';

/**
 * Keyset pagination of the devices API: every listing pages on `limit` and `meta.nextCursor`,
 * without gaps or repeats in either order, and refuses a cursor it did not hand out for it.
 */
describe('Devices API cursors', () => {
  let testApp: TestApp;
  let api: DevicesApi;
  let fleet: Fleet;
  const history = fleetHistory();
  const { imei, points, devices } = history;

  beforeAll(async () => {
    testApp = await createTestApp({ env: GENEROUS_RATE_LIMITS });
    api = devicesApi(testApp);
    fleet = await createFleet(testApp, 'Devices Fleet');
    await storeFleetHistory(testApp, fleet.tenantId, history);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  // First: a test below adds a device to the fleet, and this one counts them all.
  describe('GET /devices', () => {
    it('pages the tenant devices in id order, without gaps or repeats', async () => {
      const { items, pages } = await api.allPages(fleet, '', { limit: '7' });
      const ids = items.map((device) => device.deviceId as string);
      expect(ids).toEqual([...ids].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1)));
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(expect.arrayContaining([...devices, imei]));
      expect(ids).toHaveLength(31);
      expect(pages).toBe(5);
    });

    it('refuses a malformed cursor with VALIDATION_ERROR', async () => {
      expectValidationError(await api.get(fleet, '', { cursor: 'not-a-cursor' }), 'cursor');
    });
  });

  describe('GET /devices/:deviceId/positions', () => {
    const times = points.map((point) => new Date(point.recordedAt).toISOString());

    it('pages the whole history ascending and descending, without gaps or repeats', async () => {
      const asc = await api.allPages(fleet, `/${imei}/positions`, { limit: '60' });
      expect(asc.pages).toBe(5);
      expect(asc.items.map((item) => item.recordedAt)).toEqual(times);

      const desc = await api.allPages(fleet, `/${imei}/positions`, {
        limit: '100',
        order: 'desc',
      });
      expect(desc.items.map((item) => item.recordedAt)).toEqual([...times].reverse());
    });

    it('defaults to 1000 positions a page', async () => {
      const response = await api.get(fleet, `/${imei}/positions`).expect(200);
      expect((response.body as Envelope<Item[]>).data).toHaveLength(250);
      expect((response.body as Envelope<Item[]>).meta.nextCursor).toBeNull();
    });

    it('keeps sub-millisecond device times exact, in answers and across pages', async () => {
      const id = randomImei();
      await storeDeviceData(testApp, fleet.tenantId, {
        positions: [
          position(id, '2026-04-04T10:00:00.123456Z'),
          position(id, '2026-04-04T10:00:00.123457Z'),
          position(id, '2026-04-04T10:00:00.123457Z', { eventcode: '117' }),
        ],
      });
      const { items } = await api.allPages(fleet, `/${id}/positions`, { limit: '1' });
      expect(items.map((item) => [item.recordedAt, item.eventcode])).toEqual([
        ['2026-04-04T10:00:00.123456Z', '101'],
        ['2026-04-04T10:00:00.123457Z', '101'],
        ['2026-04-04T10:00:00.123457Z', '117'],
      ]);
    });

    it('refuses a cursor that is not one, of another listing, or of an odd time', async () => {
      const path = `/${imei}/positions`;
      expectValidationError(await api.get(fleet, path, { cursor: 'eyJ4IjoxfQ' }), 'cursor');
      const deviceCursor = Buffer.from(JSON.stringify(['devices', imei])).toString('base64url');
      expectValidationError(await api.get(fleet, path, { cursor: deviceCursor }), 'cursor');
      const badTime = Buffer.from(JSON.stringify(['positions', 'soon', '101'])).toString(
        'base64url',
      );
      expectValidationError(await api.get(fleet, path, { cursor: badTime }), 'cursor');
      const impossible = Buffer.from(
        JSON.stringify(['positions', '2026-13-45T10:00:00.000Z', '101']),
      ).toString('base64url');
      expectValidationError(await api.get(fleet, path, { cursor: impossible }), 'cursor');
    });

    it('refuses limit and cursor on exports, which page the json format only', async () => {
      const path = `/${imei}/positions`;
      expectValidationError(await api.get(fleet, path, { format: 'csv', limit: '10' }), 'limit');
      expectValidationError(await api.get(fleet, path, { format: 'gpx', cursor: 'abc' }), 'cursor');
    });
  });

  describe('GET /devices/:deviceId/events', () => {
    it('pages the events by device time, ascending and descending', async () => {
      const all = await api.allPages(fleet, `/${imei}/events`, { limit: '7' });
      expect(all.items).toHaveLength(25);
      const times = all.items.map((item) => item.occurredAt as string);
      expect(times).toEqual([...times].sort());

      const desc = await api.allPages(fleet, `/${imei}/events`, { order: 'desc', limit: '4' });
      expect(desc.items).toEqual([...all.items].reverse());
    });

    it('refuses a positions cursor', async () => {
      const positionsPage = await api.get(fleet, `/${imei}/positions`, { limit: '1' });
      const cursor = (positionsPage.body as Envelope<Item[]>).meta.nextCursor!;
      expectValidationError(await api.get(fleet, `/${imei}/events`, { cursor }), 'cursor');
    });
  });
});

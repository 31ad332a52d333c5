import type { Response } from 'supertest';
import { deviceEvent, position, storeDeviceData } from '../factories/device-data.factory';
import { randomImei } from '../factories/telemetry.factory';
import { apiHeaders, createTenant, issueToken, tenantIdOf } from '../factories/tenant.factory';
import { seededRandom, type Random } from '../utils/prng';
import { createTestApp, type TestApp } from '../utils/test-app';

/**
 * Times in query parameters and cursors reach PostgreSQL, which refuses some that JavaScript
 * parses (year 0, offsets beyond ±15:59). Every one outside the accepted range (years 0001 to
 * 9999 UTC, offsets within ±14:00) is the caller's 400 naming the parameter, never a 500.
 */

const BASE = '/apidev/v1/devices';

interface ErrorBody {
  success: false;
  error: { code: string; message: string; details?: { field?: string; message: string }[] };
  meta: Record<string, unknown>;
}

const cursorOf = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');

describe('times in device queries', () => {
  let testApp: TestApp;
  let headers: Record<string, string>;
  const imei = randomImei();

  beforeAll(async () => {
    testApp = await createTestApp({
      redis: false,
      env: { LIFECYCLE_INTERVAL_MINUTES: '0', RATE_LIMIT_API_PER_MINUTE: '1000000' },
    });
    const tenant = await createTenant(testApp, 'Query Times Fleet');
    headers = apiHeaders(tenant, await issueToken(testApp, tenant));
    const at = ['2026-04-04T10:00:00Z', '2026-04-04T10:00:30Z', '2026-04-04T10:01:00Z'];
    await storeDeviceData(testApp, await tenantIdOf(testApp, tenant.tenant), {
      positions: at.map((time) => position(imei, time)),
      events: at.map((time) => deviceEvent(imei, time, { type: 'BATTERY_LOW' })),
    });
  });
  afterAll(async () => {
    await testApp?.close();
  });

  const get = (path: string, query: Record<string, string>) =>
    testApp.http.get(`${BASE}${path}`).query(query).set(headers);

  const expectRefused = (response: Response, field: string) => {
    const body = response.body as ErrorBody;
    expect({
      status: response.status,
      success: body.success,
      code: body.error?.code,
      fields: body.error?.details?.map((detail) => detail.field),
    }).toEqual({ status: 400, success: false, code: 'VALIDATION_ERROR', fields: [field] });
  };

  describe.each([
    ['positions', () => `/${imei}/positions`],
    ['events', () => `/${imei}/events`],
    ['a CSV export', () => `/${imei}/positions?format=csv`],
  ])('%s', (_label, path) => {
    it.each([
      ['from', '0000-01-01'],
      ['from', '0000-12-31T23:59:59Z'],
      ['to', '2026-01-01T00:00+23:59'],
      ['to', '2026-01-01T00:00-16:00'],
      ['from', '2026-01-01T00:00+14:01'],
      ['to', '9999-12-31T23:00-05:00'],
      ['from', '2026-01-01T00:00+05:60'],
    ])('400 naming %s for %s', async (field, value) => {
      expectRefused(await get(path(), { [field]: value }), field);
    });

    it.each([
      ['from', '0001-01-01'],
      ['from', '2026-04-04T10:00+14:00'],
      ['from', '2026-04-04T10:00-14:00'],
      ['to', '9999-12-31T23:59:59.999999Z'],
      ['to', '9999-12-31T23:00+05:00'],
    ])('200 for %s = %s, at the edges of the range', async (field, value) => {
      expect((await get(path(), { [field]: value })).status).toBe(200);
    });
  });

  it('400 naming seenSince for out-of-range device-list times', async () => {
    for (const seenSince of ['0000-01-01', '2026-01-01T00:00+23:59', '0000-06-01T00:00:00Z']) {
      expectRefused(await get('', { seenSince }), 'seenSince');
    }
    expect((await get('', { seenSince: '0001-01-01' })).status).toBe(200);
  });

  it('400 naming cursor for a crafted cursor of year 0, on both histories', async () => {
    const positions = cursorOf(['positions', '0000-01-01T00:00:00.000Z', '101']);
    expectRefused(await get(`/${imei}/positions`, { cursor: positions }), 'cursor');
    expectRefused(await get(`/${imei}/positions`, { cursor: positions, order: 'desc' }), 'cursor');
    const events = cursorOf(['events', '0000-01-01T00:00:00.000Z', 'BATTERY_LOW']);
    expectRefused(await get(`/${imei}/events`, { cursor: events }), 'cursor');
    // The same cursor a year later is a valid one.
    const valid = cursorOf(['positions', '0001-01-01T00:00:00.000Z', '101']);
    expect((await get(`/${imei}/positions`, { cursor: valid })).status).toBe(200);
  });

  describe('fuzz (seeded): no time string or cursor is ever a 5xx', () => {
    const SEED = 20261206;
    const random = seededRandom(SEED);
    const digits = (r: Random, n: number) =>
      Array.from({ length: n }, () => String(r.int(10))).join('');
    const two = (r: Random, max: number) => String(r.int(max)).padStart(2, '0');
    const edgeYear = (r: Random) =>
      r.pick(['0000', '0001', '1969', '1970', '2026', '9999', digits(r, 4)]);

    /** A time in the parameters' form, each part drawn from its edges and beyond. */
    function timeString(r: Random): string {
      const date = `${edgeYear(r)}-${two(r, 14)}-${two(r, 33)}`;
      if (r.chance(0.15)) return date;
      let text = `${date}T${two(r, 26)}:${two(r, 62)}`;
      if (r.chance(0.7)) text += `:${two(r, 62)}`;
      if (r.chance(0.3)) text += `.${digits(r, 1 + r.int(7))}`;
      const zone = r.int(4);
      if (zone === 1) text += 'Z';
      if (zone >= 2) text += `${r.pick(['+', '-'])}${two(r, 25)}:${two(r, 62)}`;
      return text;
    }

    /** Mostly well-formed times, some junk from the characters times are made of. */
    function anyTime(r: Random): string {
      if (r.chance(0.8)) return timeString(r);
      const chars = '0123456789-:+.TZ tz';
      return Array.from({ length: 1 + r.int(30) }, () => r.pick([...chars])).join('');
    }

    function cursor(r: Random, kind: 'positions' | 'events'): string {
      const tiebreaker = kind === 'positions' ? '101' : 'BATTERY_LOW';
      const time = r.chance(0.5)
        ? `${edgeYear(r)}-${two(r, 14)}-${two(r, 33)}T${two(r, 26)}:${two(r, 62)}:${two(r, 62)}.${digits(r, r.pick([3, 6]))}Z`
        : anyTime(r);
      const key = r.chance(0.9) ? [kind, time, tiebreaker] : [kind, time];
      return r.chance(0.9) ? cursorOf(key) : cursorOf(key).slice(0, 1 + r.int(40));
    }

    it('over 400 requests across from, to, seenSince and cursors', async () => {
      const requests: [string, Record<string, string>][] = [];
      for (let i = 0; i < 100; i++) {
        requests.push([`/${imei}/positions`, { from: anyTime(random) }]);
        requests.push([`/${imei}/events`, { to: anyTime(random), order: 'desc' }]);
        requests.push(['', { seenSince: anyTime(random) }]);
        const kind = random.pick(['positions', 'events'] as const);
        requests.push([`/${imei}/${kind}`, { cursor: cursor(random, kind) }]);
      }
      const statuses = new Map<number, number>();
      const unexpected: string[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next < requests.length) {
            const [path, query] = requests[next++];
            const response = await get(path, query);
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            if (response.status !== 200 && response.status !== 400) {
              unexpected.push(`${path} ${JSON.stringify(query)}: ${response.status}`);
            } else if (response.status === 400) {
              expect((response.body as ErrorBody).error.code).toBe('VALIDATION_ERROR');
            }
          }
        }),
      );
      expect(unexpected).toEqual([]);
      // A real mix: the fuzz reaches the database as well as the validation.
      expect(statuses.get(200)).toBeGreaterThan(20);
      expect(statuses.get(400)).toBeGreaterThan(20);
    }, 60_000);
  });
});

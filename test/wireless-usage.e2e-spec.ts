import { Client } from 'pg';
import type { TenantCredentials } from '../src/auth/tenants.service';
import { TrafficMeter } from '../src/metering/traffic-meter';
import { DataSessionsService, type DataSession } from '../src/wireless/usage/data-sessions.service';
import { UsageFlusher } from '../src/wireless/usage/usage-flusher';
import type { Granularity } from '../src/wireless/usage/usage-periods';
import type { UsageRecord } from '../src/wireless/usage/usage-record';
import {
  UsageRecordsService,
  type UsageRecordsQuery,
} from '../src/wireless/usage/usage-records.service';
import {
  northboundCredentials,
  randomTrackerId,
  trackerMessage,
} from './factories/northbound.factory';
import { pointSeries, randomImei } from './factories/telemetry.factory';
import { apiHeaders, createTenant, issueToken, tenantIdOf } from './factories/tenant.factory';
import { insertCommand, insertSim } from './factories/wireless.factory';
import { createTestApp, type TestApp } from './utils/test-app';
import { createTestDatabase } from './utils/test-database';
import { waitFor } from './utils/wait';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** JSON text padded with trailing spaces (still the same JSON) to a multiple of `multiple` bytes. */
function padded(body: unknown, multiple: number): string {
  const text = JSON.stringify(body);
  return text + ' '.repeat((multiple - (Buffer.byteLength(text) % multiple)) % multiple);
}

/** What one exchange carried: the request body's bytes and the answer body's. */
interface Exchange {
  up: number;
  down: number;
}

describe('Sim usage and data sessions, measured from ingestion traffic', () => {
  let testApp: TestApp;
  let tenant: TenantCredentials;
  let tenantId: string;
  let headers: Record<string, string>;
  let records: UsageRecordsService;
  let sessions: DataSessionsService;

  beforeAll(async () => {
    testApp = await createTestApp();
    tenant = await createTenant(testApp, 'Metered Fleet');
    tenantId = await tenantIdOf(testApp, tenant.tenant);
    headers = apiHeaders(tenant, await issueToken(testApp, tenant));
    records = testApp.app.get(UsageRecordsService);
    sessions = testApp.app.get(DataSessionsService);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  async function sendTelemetry(text: string): Promise<Exchange> {
    const response = await testApp.http
      .post('/apidev/v1/telemetry')
      .set(headers)
      .set('Content-Type', 'application/json')
      .send(text)
      .expect(200);
    return { up: Buffer.byteLength(text), down: Buffer.byteLength(response.text) };
  }

  async function sendTrackerMessage(trackerId: string): Promise<Exchange> {
    const text = JSON.stringify(trackerMessage({ trackerId }));
    const response = await testApp.http
      .post('/data')
      .auth(...northboundCredentials(tenant))
      .set('Content-Type', 'application/json')
      .send(text)
      .expect(200);
    return { up: Buffer.byteLength(text), down: Buffer.byteLength(response.text) };
  }

  /** The one record of a Sim's (or the account's) whole default period. */
  async function usageOf(simSid?: string, owner = tenantId): Promise<UsageRecord> {
    const page = await records.list({ tenantId: owner, simSid, granularity: 'all' }, { size: 50 });
    expect(page.items).toHaveLength(1);
    return page.items[0];
  }

  const allSessions = async (simSid: string, owner = tenantId): Promise<DataSession[]> =>
    (await sessions.list(owner, simSid, { size: 1000 })).items;

  describe('through the API', () => {
    it("counts each linked device's request and answer bytes, a batch split by its points", async () => {
      const [imei1, imei2, unlinked] = [randomImei(), randomImei(), randomImei()];
      const trackerId = randomTrackerId();
      const sim1 = (await insertSim(testApp, tenantId, { imei: imei1 })).sid;
      const sim2 = (await insertSim(testApp, tenantId, { imei: imei2 })).sid;
      const trackerSim = (await insertSim(testApp, tenantId, { imei: trackerId })).sid;
      const other = await createTenant(testApp, 'Other Fleet');
      const otherTenantId = await tenantIdOf(testApp, other.tenant);
      const otherSim = (await insertSim(testApp, otherTenantId, { imei: imei1 })).sid;
      const before = Date.now();

      // Three points of imei1 and one of imei2, in a body of a multiple of 4 bytes: 3/4 and 1/4.
      const mixed = await sendTelemetry(
        padded([...pointSeries(imei1, 3), ...pointSeries(imei2, 1, '2026-04-04T11:00:00')], 4),
      );
      const alone = await sendTelemetry(
        JSON.stringify(pointSeries(imei1, 2, '2026-04-04T12:00:00')),
      );
      const nobodys = await sendTelemetry(JSON.stringify(pointSeries(unlinked, 5)));
      const tracked = [await sendTrackerMessage(trackerId), await sendTrackerMessage(trackerId)];
      await testApp.app.get(UsageFlusher).flush();

      const usage1 = (await usageOf(sim1)).data;
      const usage2 = (await usageOf(sim2)).data;
      expect(usage1.upload).toBe((mixed.up * 3) / 4 + alone.up);
      expect(usage2.upload).toBe(mixed.up / 4);
      // The answer's bytes, split as whole bytes, none lost.
      expect(usage1.download + usage2.download).toBe(mixed.down + alone.down);
      expect([Math.floor(mixed.down / 4), Math.ceil(mixed.down / 4)]).toContain(usage2.download);
      expect(usage1).toMatchObject({
        billing_units: 'USD',
        billed: 0,
        total: usage1.upload + usage1.download,
        units: 'bytes',
        home: { total: usage1.total, upload: usage1.upload, download: usage1.download },
        national_roaming: { total: 0, upload: 0, download: 0 },
        international_roaming: [],
      });

      const trackerUsage = (await usageOf(trackerSim)).data;
      expect(trackerUsage.upload).toBe(tracked[0].up + tracked[1].up);
      expect(trackerUsage.download).toBe(tracked[0].down + tracked[1].down);

      // The device without a Sim counts nowhere: the account is the sum of its Sims.
      expect(nobodys.up).toBeGreaterThan(0);
      const account = (await usageOf()).data;
      expect(account.upload).toBe(usage1.upload + usage2.upload + trackerUsage.upload);
      expect(account.download).toBe(usage1.download + usage2.download + trackerUsage.download);
      // Another tenant's Sim linked to the same IMEI counts none of this tenant's traffic.
      expect((await usageOf(otherSim, otherTenantId)).data.total).toBe(0);
      expect(await allSessions(otherSim, otherTenantId)).toEqual([]);

      const sim1Sessions = await allSessions(sim1);
      expect(sim1Sessions).toHaveLength(1);
      const [session] = sim1Sessions;
      expect(session).toMatchObject({
        simSid: sim1,
        imei: imei1,
        end: null,
        packetsUploaded: 2,
        packetsDownloaded: 2,
      });
      expect(session.start.getTime()).toBeGreaterThanOrEqual(before);
      expect(session.lastUpdated.getTime()).toBeGreaterThanOrEqual(session.start.getTime());
      expect(await allSessions(trackerSim)).toEqual([
        expect.objectContaining({ packetsUploaded: 2, packetsDownloaded: 2, end: null }),
      ]);
    });

    it('shows a new data session within 10 s of the traffic that opens it', async () => {
      const trackerId = randomTrackerId();
      const simSid = (await insertSim(testApp, tenantId, { imei: trackerId })).sid;
      const sent = await sendTrackerMessage(trackerId);
      const shown = await waitFor(
        () => allSessions(simSid),
        (list) => list.length > 0,
        { timeoutMs: 10_000, intervalMs: 200 },
      );
      expect(shown).toEqual([
        expect.objectContaining({ packetsUploaded: 1, packetsDownloaded: 1, end: null }),
      ]);
      expect((await usageOf(simSid)).data).toMatchObject({ upload: sent.up, download: sent.down });
    });
  });

  describe('stored by API processes flushing on their own', () => {
    /** One API process's meter and flusher, beside the application's own. */
    function apiProcess() {
      const meter = new TrafficMeter();
      return { meter, flusher: new UsageFlusher(testApp.dataSource, meter, testApp.config) };
    }

    it('opens one session per burst across processes flushing at once, and a new one after the idle time', async () => {
      const imei = randomImei();
      const simSid = (await insertSim(testApp, tenantId, { imei })).sid;
      const [a, b] = [apiProcess(), apiProcess()];
      const now = Date.now();
      const t0 = now - 30 * MINUTE;
      a.meter.record(tenantId, [imei], 100, 10, t0);
      b.meter.record(tenantId, [imei], 200, 20, t0 + 1000);
      await Promise.all([a.flusher.flush(), b.flusher.flush()]);

      // 25 minutes later (over the 10-minute idle time): a new session; then more of it.
      a.meter.record(tenantId, [imei], 40, 4, now - 5 * MINUTE);
      await a.flusher.flush();
      b.meter.record(tenantId, [imei], 60, 6, now - MINUTE);
      await b.flusher.flush();

      const list = await allSessions(simSid);
      expect(list).toEqual([
        expect.objectContaining({
          start: new Date(t0),
          lastUpdated: new Date(t0 + 1000),
          end: new Date(t0 + 1000),
          packetsUploaded: 2,
          packetsDownloaded: 2,
        }),
        expect.objectContaining({
          start: new Date(now - 5 * MINUTE),
          lastUpdated: new Date(now - MINUTE),
          end: null,
          packetsUploaded: 2,
          packetsDownloaded: 2,
        }),
      ]);
      const stored = await testApp.dataSource.query<Record<string, unknown>[]>(
        `SELECT bytes_uploaded, bytes_downloaded, ended_at FROM wireless_data_sessions
         WHERE sim_sid = $1 ORDER BY started_at`,
        [simSid],
      );
      expect(stored).toEqual([
        { bytes_uploaded: '300', bytes_downloaded: '30', ended_at: new Date(t0 + 1000) },
        { bytes_uploaded: '100', bytes_downloaded: '10', ended_at: null },
      ]);
      expect((await usageOf(simSid)).data).toMatchObject({ upload: 400, download: 40 });
    });

    it('shows an idle session as ended at its last traffic, and a flush ends it', async () => {
      const imei = randomImei();
      const simSid = (await insertSim(testApp, tenantId, { imei })).sid;
      const { meter, flusher } = apiProcess();
      const last = Date.now() - MINUTE;
      meter.record(tenantId, [imei], 10, 1, last);
      await flusher.flush();

      const seenAt = (now: number) => sessions.list(tenantId, simSid, { size: 10 }, new Date(now));
      expect((await seenAt(Date.now())).items[0].end).toBeNull();
      expect((await seenAt(last + 10 * MINUTE + 1)).items[0].end).toEqual(new Date(last));

      const staleImei = randomImei();
      const stale = (await insertSim(testApp, tenantId, { imei: staleImei })).sid;
      const longAgo = Date.now() - 30 * MINUTE;
      meter.record(tenantId, [staleImei], 10, 1, longAgo);
      await flusher.flush();
      await flusher.flush();
      const [row] = await testApp.dataSource.query<{ ended_at: Date | null }[]>(
        'SELECT ended_at FROM wireless_data_sessions WHERE sim_sid = $1',
        [stale],
      );
      expect(row.ended_at).toEqual(new Date(longAgo));
    });

    it('gives the traffic of an IMEI linked to several Sims to the newest of them', async () => {
      const imei = randomImei();
      const older = await insertSim(testApp, tenantId, {
        imei,
        createdAt: new Date(Date.now() - DAY),
      });
      const newer = await insertSim(testApp, tenantId, { imei });
      expect(older.createdAt.getTime()).toBeLessThan(newer.createdAt.getTime());
      const { meter, flusher } = apiProcess();
      meter.record(tenantId, [imei], 70, 7, Date.now());
      await flusher.flush();
      expect((await usageOf(newer.sid)).data.total).toBe(77);
      expect((await usageOf(older.sid)).data.total).toBe(0);
    });
  });

  describe('UsageRecords', () => {
    let sim1: string;
    let sim2: string;
    let owner: string;
    /** Three days before today's midnight (UTC). */
    let base: number;

    const at = (offset: number) => new Date(base + offset);
    const query = (
      granularity: Granularity,
      start: number,
      end: number,
      simSid?: string,
    ): UsageRecordsQuery => ({
      tenantId: owner,
      simSid,
      granularity,
      start: at(start),
      end: at(end),
    });
    const summary = (record: UsageRecord) => ({
      start: record.period.start.toISOString(),
      end: record.period.end.toISOString(),
      upload: record.data.upload,
      download: record.data.download,
      fromSim: record.commands.from_sim,
      toSim: record.commands.to_sim,
    });

    beforeAll(async () => {
      // A tenant of its own: the account's records hold these Sims only.
      const tenantOfRecords = await createTenant(testApp, 'Recorded Fleet');
      owner = await tenantIdOf(testApp, tenantOfRecords.tenant);
      const [imei1, imei2] = [randomImei(), randomImei()];
      sim1 = (await insertSim(testApp, owner, { imei: imei1 })).sid;
      sim2 = (await insertSim(testApp, owner, { imei: imei2 })).sid;
      base = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;

      const meter = new TrafficMeter();
      meter.record(owner, [imei1], 100, 10, base + 10 * HOUR + 15 * MINUTE);
      meter.record(owner, [imei1], 50, 5, base + 10 * HOUR + 45 * MINUTE);
      meter.record(owner, [imei1], 7, 3, base + 13 * HOUR + 5 * MINUTE);
      meter.record(owner, [imei2], 1000, 100, base + DAY + 2 * HOUR);
      await new UsageFlusher(testApp.dataSource, meter, testApp.config).flush();

      await insertCommand(testApp, owner, sim1, 'from_sim', at(10 * HOUR + 20 * MINUTE));
      await insertCommand(testApp, owner, sim1, 'to_sim', at(13 * HOUR + 30 * MINUTE));
      await insertCommand(testApp, owner, sim1, 'to_sim', at(13 * HOUR + 59 * MINUTE));
      await insertCommand(testApp, owner, sim2, 'to_sim', at(DAY + 2 * HOUR + 10 * MINUTE));
    });

    const iso = (offset: number) => at(offset).toISOString();

    it('hourly: every hour of the period, those without traffic as zeros', async () => {
      const page = await records.list(query('hourly', 10 * HOUR, 14 * HOUR, sim1), { size: 50 });
      expect(page.more).toBe(false);
      expect(page.items.map(summary)).toEqual([
        {
          start: iso(10 * HOUR),
          end: iso(11 * HOUR),
          upload: 150,
          download: 15,
          fromSim: 1,
          toSim: 0,
        },
        {
          start: iso(11 * HOUR),
          end: iso(12 * HOUR),
          upload: 0,
          download: 0,
          fromSim: 0,
          toSim: 0,
        },
        {
          start: iso(12 * HOUR),
          end: iso(13 * HOUR),
          upload: 0,
          download: 0,
          fromSim: 0,
          toSim: 0,
        },
        {
          start: iso(13 * HOUR),
          end: iso(14 * HOUR),
          upload: 7,
          download: 3,
          fromSim: 0,
          toSim: 2,
        },
      ]);
      expect(page.items[3].commands).toEqual({
        billing_units: 'USD',
        billed: 0,
        total: 2,
        from_sim: 0,
        to_sim: 2,
        home: { billing_units: 'USD', billed: 0, total: 2, from_sim: 0, to_sim: 2 },
        national_roaming: { billing_units: 'USD', billed: 0, total: 0, from_sim: 0, to_sim: 0 },
        international_roaming: [],
      });
    });

    it('daily: UTC days, the period widened to whole hours and the days cut to it', async () => {
      const page = await records.list(
        query('daily', 9 * HOUR + 30 * MINUTE, DAY + 4 * HOUR + MINUTE, sim1),
        { size: 50 },
      );
      expect(page.items.map(summary)).toEqual([
        { start: iso(9 * HOUR), end: iso(DAY), upload: 157, download: 18, fromSim: 1, toSim: 2 },
        { start: iso(DAY), end: iso(DAY + 5 * HOUR), upload: 0, download: 0, fromSim: 0, toSim: 0 },
      ]);
    });

    it("all: one record of the period; the account's adds up its Sims", async () => {
      const page = await records.list(query('all', 0, 2 * DAY), { size: 50 });
      expect(page.items.map(summary)).toEqual([
        { start: iso(0), end: iso(2 * DAY), upload: 1157, download: 118, fromSim: 1, toSim: 3 },
      ]);
      // Usage of the hour before the period, or at its end, is not in it.
      const later = await records.list(query('all', 11 * HOUR, DAY + 2 * HOUR), { size: 50 });
      expect(later.items.map(summary)).toEqual([
        {
          start: iso(11 * HOUR),
          end: iso(DAY + 2 * HOUR),
          upload: 7,
          download: 3,
          fromSim: 0,
          toSim: 2,
        },
      ]);
    });

    it('defaults to the month up to now, all of it in one record', async () => {
      const page = await records.list({ tenantId: owner, granularity: 'all' }, { size: 50 });
      expect(page.items).toHaveLength(1);
      expect(page.items[0].period.end.getTime()).toBeGreaterThanOrEqual(Date.now());
      expect(summary(page.items[0])).toMatchObject({ upload: 1157, download: 118, toSim: 3 });
    });

    it('pages forward after a record and back before one, keyed by period start', async () => {
      const hourly = query('hourly', 10 * HOUR, 14 * HOUR, sim1);
      const first = await records.list(hourly, { size: 2 });
      expect(first.more).toBe(true);
      expect(first.items.map((record) => record.period.start)).toEqual([
        at(10 * HOUR),
        at(11 * HOUR),
      ]);
      const second = await records.list(hourly, { size: 2, after: first.items[1].period.start });
      expect(second.more).toBe(false);
      expect(second.items.map(summary)).toEqual([
        expect.objectContaining({ start: iso(12 * HOUR), upload: 0 }),
        expect.objectContaining({ start: iso(13 * HOUR), upload: 7, toSim: 2 }),
      ]);
      const back = await records.list(hourly, { size: 2, before: second.items[0].period.start });
      expect(back).toEqual({ items: first.items, more: false });
    });

    it('keeps tenants apart: a Sim of another tenant has no records of this one', async () => {
      const page = await records.list(query('all', 0, 2 * DAY, sim1), { size: 50 });
      expect(page.items[0].data.total).toBe(175);
      const elsewhere = await records.list(
        { ...query('all', 0, 2 * DAY, sim1), tenantId },
        { size: 50 },
      );
      expect(elsewhere.items[0].data.total).toBe(0);
      expect(elsewhere.items[0].commands.total).toBe(0);
    });
  });

  describe('DataSessions', () => {
    it("lists a Sim's sessions oldest first, in keyset pages both ways", async () => {
      const imei = randomImei();
      const simSid = (await insertSim(testApp, tenantId, { imei })).sid;
      const meter = new TrafficMeter();
      const flusher = new UsageFlusher(testApp.dataSource, meter, testApp.config);
      const now = Date.now();
      for (const ago of [3 * HOUR, 2 * HOUR, HOUR]) {
        meter.record(tenantId, [imei], 10, 1, now - ago);
        await flusher.flush();
      }
      const starts = (list: DataSession[]) => list.map((session) => session.start.getTime());
      const first = await sessions.list(tenantId, simSid, { size: 2 });
      expect(starts(first.items)).toEqual([now - 3 * HOUR, now - 2 * HOUR]);
      expect(first.more).toBe(true);
      const key = (session: DataSession) => ({ startedAt: session.start, sid: session.sid });
      const second = await sessions.list(tenantId, simSid, { size: 2, after: key(first.items[1]) });
      expect(starts(second.items)).toEqual([now - HOUR]);
      expect(second.more).toBe(false);
      const back = await sessions.list(tenantId, simSid, { size: 2, before: key(second.items[0]) });
      expect(back).toEqual({ items: first.items, more: false });
      // Each has ended: the last one as it is presented, an hour idle.
      expect(second.items[0].end).toEqual(new Date(now - HOUR));
      // Another tenant sees none of them.
      const other = await tenantIdOf(testApp, (await createTenant(testApp, 'Prying Fleet')).tenant);
      expect((await sessions.list(other, simSid, { size: 10 })).items).toEqual([]);
    });
  });
});

describe('an API process that stops', () => {
  it('stores the traffic it counted, after its last answer and before its pool closes', async () => {
    const database = await createTestDatabase();
    try {
      const testApp = await createTestApp({ databaseUrl: database.url });
      const tenant = await createTenant(testApp, 'Stopping Fleet');
      const trackerId = randomTrackerId();
      const tenantId = await tenantIdOf(testApp, tenant.tenant);
      const simSid = (await insertSim(testApp, tenantId, { imei: trackerId })).sid;
      const text = JSON.stringify(trackerMessage({ trackerId }));
      const response = await testApp.http
        .post('/data')
        .auth(...northboundCredentials(tenant))
        .set('Content-Type', 'application/json')
        .send(text)
        .expect(200);
      await testApp.close();

      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows } = await client.query(
          'SELECT upload_bytes, download_bytes FROM wireless_sim_usage WHERE sim_sid = $1',
          [simSid],
        );
        expect(rows).toEqual([
          {
            upload_bytes: String(Buffer.byteLength(text)),
            download_bytes: String(Buffer.byteLength(response.text)),
          },
        ]);
      } finally {
        await client.end();
      }
    } finally {
      await database.drop();
    }
  });
});

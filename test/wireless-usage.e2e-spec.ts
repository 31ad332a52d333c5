import { Client } from 'pg';
import type { TenantCredentials } from '../src/auth/tenants.service';
import { TrafficMeter } from '../src/metering/traffic-meter';
import { DataSessionsService, type DataSession } from '../src/wireless/usage/data-sessions.service';
import { UsageFlusher } from '../src/wireless/usage/usage-flusher';
import type { CommandsUsage, DataUsage } from '../src/wireless/usage/usage-record';
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
import { twilioClient, type TestTwilioClient, type TwilioExchange } from './utils/twilio-client';
import { twilioAnswerProblems } from './utils/twilio-schema';
import { waitFor } from './utils/wait';
import { rejection, type RestException } from './utils/twilio-answers';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const FIRST_PAGE = { size: 1000, number: 0 };

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

/** A UsageRecord as twilio-node hands it over (nested objects as answered). */
interface UsageRecordBody {
  period: { start: string; end: string };
  data: DataUsage;
  commands: CommandsUsage;
}

/** Twilio's time text of an instant (whole seconds). */
const twilioTime = (time: number) => `${new Date(time).toISOString().slice(0, 19)}Z`;

describe('Sim usage and data sessions, measured from ingestion traffic', () => {
  let testApp: TestApp;
  let tenant: TenantCredentials;
  let tenantId: string;
  let headers: Record<string, string>;
  let twilio: TestTwilioClient;
  let sessions: DataSessionsService;
  /** Raw requests' answers of the running test, held to the spec with the client's. */
  const rawExchanges: TwilioExchange[] = [];

  beforeAll(async () => {
    testApp = await createTestApp();
    tenant = await createTenant(testApp, 'Metered Fleet');
    tenantId = await tenantIdOf(testApp, tenant.tenant);
    headers = apiHeaders(tenant, await issueToken(testApp, tenant));
    twilio = await twilioClient(testApp, tenant);
    sessions = testApp.app.get(DataSessionsService);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  afterEach(() => {
    const answers = [...twilio.exchanges.splice(0), ...rawExchanges.splice(0)];
    expect(answers.flatMap((answer) => twilioAnswerProblems('wireless', answer))).toEqual([]);
  });

  const wireless = () => twilio.client.wireless.v1;

  /** A GET under /wireless/v1 as the tenant, sent as it is; its answer. */
  async function rawGet(path: string, credentials = tenant) {
    const response = await testApp.http
      .get(`/wireless/v1${path}`)
      .auth(credentials.accountSid, credentials.authToken);
    rawExchanges.push({
      method: 'GET',
      url: `http://fleethub.test/wireless/v1${path}`,
      status: response.status,
      body: response.body as unknown,
    });
    return response;
  }

  async function sendTelemetry(text: string): Promise<Exchange> {
    const response = await testApp.http
      .post('/apidev/v1/telemetry')
      .set(headers)
      .set('Content-Type', 'application/json')
      .send(text)
      .expect(200);
    return { up: Buffer.byteLength(text), down: Buffer.byteLength(response.text) };
  }

  async function sendTrackerMessage(trackerId: string, as = tenant): Promise<Exchange> {
    const text = JSON.stringify(trackerMessage({ trackerId }));
    const response = await testApp.http
      .post('/data')
      .auth(...northboundCredentials(as))
      .set('Content-Type', 'application/json')
      .send(text)
      .expect(200);
    return { up: Buffer.byteLength(text), down: Buffer.byteLength(response.text) };
  }

  /** The one record of a Sim's (or the account's) default period: the month up to now. */
  async function usageOf(simSid?: string, client = twilio): Promise<DataUsage> {
    const list = simSid
      ? await client.client.wireless.v1.sims(simSid).usageRecords.list()
      : await client.client.wireless.v1.usageRecords.list();
    expect(list).toHaveLength(1);
    return (list[0] as unknown as UsageRecordBody).data;
  }

  describe('through the API', () => {
    it("counts each linked device's request and answer bytes, a batch split by its points", async () => {
      const [imei1, imei2, unlinked] = [randomImei(), randomImei(), randomImei()];
      const trackerId = randomTrackerId();
      const sim1 = (await insertSim(testApp, tenantId, { imei: imei1 })).sid;
      const sim2 = (await insertSim(testApp, tenantId, { imei: imei2 })).sid;
      const trackerSim = await insertSim(testApp, tenantId, {
        imei: trackerId,
        uniqueName: `tracker-${trackerId}`,
      });
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

      const usage1 = await usageOf(sim1);
      const usage2 = await usageOf(sim2);
      expect(usage1.upload).toBe((mixed.up * 3) / 4 + alone.up);
      expect(usage2.upload).toBe(mixed.up / 4);
      // The answer's bytes, split as whole bytes, none lost.
      expect(usage1.download + usage2.download).toBe(mixed.down + alone.down);
      expect([Math.floor(mixed.down / 4), Math.ceil(mixed.down / 4)]).toContain(usage2.download);
      expect(usage1).toEqual({
        billing_units: 'USD',
        billed: 0,
        total: usage1.upload + usage1.download,
        upload: usage1.upload,
        download: usage1.download,
        units: 'bytes',
        home: {
          billing_units: 'USD',
          billed: 0,
          total: usage1.total,
          upload: usage1.upload,
          download: usage1.download,
          units: 'bytes',
        },
        national_roaming: {
          billing_units: 'USD',
          billed: 0,
          total: 0,
          upload: 0,
          download: 0,
          units: 'bytes',
        },
        international_roaming: [],
      });

      // Addressed by its unique name too.
      const trackerUsage = await usageOf(trackerSim.uniqueName!);
      expect(trackerUsage.upload).toBe(tracked[0].up + tracked[1].up);
      expect(trackerUsage.download).toBe(tracked[0].down + tracked[1].down);

      // The device without a Sim counts nowhere: the account is the sum of its Sims.
      expect(nobodys.up).toBeGreaterThan(0);
      const account = await usageOf();
      expect(account.upload).toBe(usage1.upload + usage2.upload + trackerUsage.upload);
      expect(account.download).toBe(usage1.download + usage2.download + trackerUsage.download);

      const sim1Sessions = await wireless().sims(sim1).dataSessions.list();
      expect(sim1Sessions).toHaveLength(1);
      expect(sim1Sessions[0]).toMatchObject({
        simSid: sim1,
        accountSid: tenant.accountSid,
        imei: imei1,
        end: null,
        packetsUploaded: 2,
        packetsDownloaded: 2,
        radioLink: null,
        cellLocationEstimate: null,
      });
      expect(sim1Sessions[0].sid).toMatch(/^WN[0-9a-f]{32}$/);
      expect(sim1Sessions[0].start.getTime()).toBeGreaterThanOrEqual(before - 1000);
      const trackerSessions = await wireless().sims(trackerSim.sid).dataSessions.list();
      expect(trackerSessions).toEqual([
        expect.objectContaining({ packetsUploaded: 2, packetsDownloaded: 2, end: null }),
      ]);
    });

    it("keeps tenants apart: another tenant's device with the same IMEI, and its Sims' routes", async () => {
      const trackerId = randomTrackerId();
      const mine = (await insertSim(testApp, tenantId, { imei: trackerId })).sid;
      const other = await createTenant(testApp, 'Other Fleet');
      const otherSim = (
        await insertSim(testApp, await tenantIdOf(testApp, other.tenant), { imei: trackerId })
      ).sid;
      const sent = await sendTrackerMessage(trackerId);
      await testApp.app.get(UsageFlusher).flush();

      const otherClient = await twilioClient(testApp, other);
      expect(await usageOf(otherSim, otherClient)).toMatchObject({ total: 0 });
      expect(await otherClient.client.wireless.v1.sims(otherSim).dataSessions.list()).toEqual([]);
      expect(await usageOf(undefined, otherClient)).toMatchObject({ total: 0 });
      expect(await usageOf(mine)).toMatchObject({ upload: sent.up, download: sent.down });

      // This tenant's Sim does not exist for the other one, on any of the routes.
      const usageError = await rejection(
        otherClient.client.wireless.v1.sims(mine).usageRecords.list(),
      );
      expect(usageError).toMatchObject({
        status: 404,
        code: 20404,
        message: `The requested resource /Sims/${mine}/UsageRecords was not found`,
      });
      const sessionsError = await rejection(
        otherClient.client.wireless.v1.sims(mine).dataSessions.list(),
      );
      expect(sessionsError).toMatchObject({
        status: 404,
        code: 20404,
        message: `The requested resource /Sims/${mine}/DataSessions was not found`,
      });
      otherClient.exchanges.splice(0).forEach((exchange) => rawExchanges.push(exchange));
    });

    it('shows a new data session within 10 s of the traffic that opens it', async () => {
      const trackerId = randomTrackerId();
      const simSid = (await insertSim(testApp, tenantId, { imei: trackerId })).sid;
      const sent = await sendTrackerMessage(trackerId);
      const shown = await waitFor(
        () => wireless().sims(simSid).dataSessions.list(),
        (list) => list.length > 0,
        { timeoutMs: 10_000, intervalMs: 250 },
      );
      expect(shown).toEqual([
        expect.objectContaining({ packetsUploaded: 1, packetsDownloaded: 1, end: null }),
      ]);
      expect(await usageOf(simSid)).toMatchObject({ upload: sent.up, download: sent.down });
    });
  });

  describe('stored by API processes flushing on their own', () => {
    /** One API process's meter and flusher, beside the application's own. */
    function apiProcess() {
      const meter = new TrafficMeter();
      return { meter, flusher: new UsageFlusher(testApp.dataSource, meter, testApp.config) };
    }

    const sessionsOf = async (simSid: string, now?: Date): Promise<DataSession[]> =>
      (await sessions.list(tenantId, simSid, FIRST_PAGE, now)).rows;

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

      expect(await sessionsOf(simSid)).toEqual([
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
      const stored = await testApp.dataSource.query<{ [column: string]: unknown }[]>(
        `SELECT bytes_uploaded, bytes_downloaded, ended_at FROM wireless_data_sessions
         WHERE sim_sid = $1 ORDER BY started_at`,
        [simSid],
      );
      expect(stored).toEqual([
        { bytes_uploaded: '300', bytes_downloaded: '30', ended_at: new Date(t0 + 1000) },
        { bytes_uploaded: '100', bytes_downloaded: '10', ended_at: null },
      ]);
      expect(await usageOf(simSid)).toMatchObject({ upload: 400, download: 40 });
    });

    it('shows an idle session as ended at its last traffic, and a flush ends it', async () => {
      const imei = randomImei();
      const simSid = (await insertSim(testApp, tenantId, { imei })).sid;
      const { meter, flusher } = apiProcess();
      const last = Date.now() - MINUTE;
      meter.record(tenantId, [imei], 10, 1, last);
      await flusher.flush();
      expect((await sessionsOf(simSid))[0].end).toBeNull();
      expect((await sessionsOf(simSid, new Date(last + 10 * MINUTE + 1)))[0].end).toEqual(
        new Date(last),
      );

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
      expect((await usageOf(newer.sid)).total).toBe(77);
      expect((await usageOf(older.sid)).total).toBe(0);
    });
  });

  describe('UsageRecords', () => {
    let sim1: string;
    let owner: TenantCredentials;
    let ownerClient: TestTwilioClient;
    /** Three days before today's midnight (UTC). */
    let base: number;

    const at = (offset: number) => new Date(base + offset);
    const iso = (offset: number) => twilioTime(base + offset);
    const summary = (record: unknown) => {
      const { period, data, commands } = record as UsageRecordBody;
      return {
        start: period.start,
        end: period.end,
        upload: data.upload,
        download: data.download,
        fromSim: commands.from_sim,
        toSim: commands.to_sim,
      };
    };
    const recordsOf = () => ownerClient.client.wireless.v1.sims(sim1).usageRecords;

    beforeAll(async () => {
      // A tenant of its own: the account's records hold these Sims only.
      owner = await createTenant(testApp, 'Recorded Fleet');
      ownerClient = await twilioClient(testApp, owner);
      const ownerId = await tenantIdOf(testApp, owner.tenant);
      const [imei1, imei2] = [randomImei(), randomImei()];
      sim1 = (await insertSim(testApp, ownerId, { imei: imei1 })).sid;
      const sim2 = (await insertSim(testApp, ownerId, { imei: imei2 })).sid;
      base = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;

      const meter = new TrafficMeter();
      meter.record(ownerId, [imei1], 100, 10, base + 10 * HOUR + 15 * MINUTE);
      meter.record(ownerId, [imei1], 50, 5, base + 10 * HOUR + 45 * MINUTE);
      meter.record(ownerId, [imei1], 7, 3, base + 13 * HOUR + 5 * MINUTE);
      meter.record(ownerId, [imei2], 1000, 100, base + DAY + 2 * HOUR);
      await new UsageFlusher(testApp.dataSource, meter, testApp.config).flush();

      await insertCommand(testApp, ownerId, sim1, 'from_sim', at(10 * HOUR + 20 * MINUTE));
      await insertCommand(testApp, ownerId, sim1, 'to_sim', at(13 * HOUR + 30 * MINUTE));
      await insertCommand(testApp, ownerId, sim1, 'to_sim', at(13 * HOUR + 59 * MINUTE));
      await insertCommand(testApp, ownerId, sim2, 'to_sim', at(DAY + 2 * HOUR + 10 * MINUTE));
    });

    afterEach(() => {
      ownerClient.exchanges.splice(0).forEach((exchange) => rawExchanges.push(exchange));
    });

    it('hourly: every hour of the period, those without traffic as zeros', async () => {
      const list = await recordsOf().list({
        start: at(10 * HOUR),
        end: at(14 * HOUR),
        granularity: 'hourly',
      });
      expect(list.map(summary)).toEqual([
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
      expect(list[3].simSid).toBe(sim1);
      expect((list[3] as unknown as UsageRecordBody).commands).toEqual({
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
      const list = await recordsOf().list({
        start: at(9 * HOUR + 30 * MINUTE),
        end: at(DAY + 4 * HOUR + MINUTE),
        granularity: 'daily',
      });
      expect(list.map(summary)).toEqual([
        { start: iso(9 * HOUR), end: iso(DAY), upload: 157, download: 18, fromSim: 1, toSim: 2 },
        {
          start: iso(DAY),
          end: iso(DAY + 5 * HOUR),
          upload: 0,
          download: 0,
          fromSim: 0,
          toSim: 0,
        },
      ]);
    });

    it("all (the default): one record of the period; the account's adds up its Sims", async () => {
      const account = await ownerClient.client.wireless.v1.usageRecords.list({
        start: at(0),
        end: at(2 * DAY),
      });
      expect(account.map(summary)).toEqual([
        { start: iso(0), end: iso(2 * DAY), upload: 1157, download: 118, fromSim: 1, toSim: 3 },
      ]);
      // Usage of the hours before the period, or at its end, is not in it.
      const later = await ownerClient.client.wireless.v1.usageRecords.list({
        start: at(11 * HOUR),
        end: at(DAY + 2 * HOUR),
        granularity: 'all',
      });
      expect(later.map(summary)).toEqual([
        {
          start: iso(11 * HOUR),
          end: iso(DAY + 2 * HOUR),
          upload: 7,
          download: 3,
          fromSim: 0,
          toSim: 2,
        },
      ]);
      // By default, the month up to now.
      const [month] = await ownerClient.client.wireless.v1.usageRecords.list();
      expect(summary(month)).toMatchObject({ upload: 1157, download: 118, fromSim: 1, toSim: 3 });
      expect(Date.parse(summary(month).end)).toBeGreaterThanOrEqual(Date.now() - 1000);
    });

    it('pages forward and back, the page URLs carrying the period as widened', async () => {
      const first = await recordsOf().page({
        start: at(10 * HOUR + 30 * MINUTE),
        end: at(13 * HOUR + 30 * MINUTE),
        granularity: 'hourly',
        pageSize: 2,
      });
      expect(first.instances.map((record) => summary(record).start)).toEqual([
        iso(10 * HOUR),
        iso(11 * HOUR),
      ]);
      const second = (await first.nextPage())!;
      expect(second.instances.map(summary)).toEqual([
        expect.objectContaining({ start: iso(12 * HOUR), upload: 0 }),
        expect.objectContaining({ start: iso(13 * HOUR), upload: 7, toSim: 2 }),
      ]);
      expect(await second.nextPage()).toBeUndefined();
      const back = (await second.previousPage())!;
      expect(back.instances.map(summary)).toEqual(first.instances.map(summary));

      const raw = await rawGet(
        `/Sims/${sim1}/UsageRecords?Granularity=hourly&Start=${encodeURIComponent(iso(10 * HOUR + 30 * MINUTE))}` +
          `&End=${encodeURIComponent(iso(13 * HOUR + 30 * MINUTE))}&PageSize=2`,
        owner,
      );
      const meta = (raw.body as { meta: { next_page_url: string; first_page_url: string } }).meta;
      const pathAndQuery = (url: string) => `${new URL(url).pathname}${new URL(url).search}`;
      const list = `/wireless/v1/Sims/${sim1}/UsageRecords`;
      const period = `End=${encodeURIComponent(iso(14 * HOUR))}&Start=${encodeURIComponent(iso(10 * HOUR))}`;
      expect(pathAndQuery(meta.first_page_url)).toBe(
        `${list}?${period}&Granularity=hourly&PageSize=2&Page=0`,
      );
      const next = `${list}?${period}&Granularity=hourly&PageSize=2&Page=1&PageToken=PA`;
      expect(pathAndQuery(meta.next_page_url).slice(0, next.length)).toBe(next);
    });

    it('refuses a Start after End, an unknown Granularity and a token of another list', async () => {
      const after = await rawGet(
        `/UsageRecords?Start=${encodeURIComponent(iso(DAY))}&End=${encodeURIComponent(iso(0))}`,
        owner,
      );
      expect({ status: after.status, body: after.body as unknown }).toEqual({
        status: 400,
        body: {
          code: 20001,
          message: 'Invalid parameter Start: must not be after End',
          more_info: 'https://www.twilio.com/docs/errors/20001',
          status: 400,
        },
      });
      const weekly = await rawGet('/UsageRecords?Granularity=weekly', owner);
      expect({ status: weekly.status, code: (weekly.body as RestException).code }).toEqual({
        status: 400,
        code: 20001,
      });
      expect((weekly.body as RestException).message).toContain('Granularity');

      // An hourly page's token names an hour (10:00), which starts no record of a daily list
      // from 09:00.
      const hourly = await rawGet(
        `/UsageRecords?Granularity=hourly&Start=${encodeURIComponent(iso(10 * HOUR))}&PageSize=1`,
        owner,
      );
      const next = (hourly.body as { meta: { next_page_url: string } }).meta.next_page_url;
      const token = new URL(next).searchParams.get('PageToken')!;
      const daily = await rawGet(
        `/UsageRecords?Granularity=daily&Start=${encodeURIComponent(iso(9 * HOUR))}&PageToken=${token}`,
        owner,
      );
      expect({ status: daily.status, code: (daily.body as RestException).code }).toEqual({
        status: 400,
        code: 21481,
      });
    });

    it('answers 404 for a Sim the account does not have', async () => {
      const unknown = `DE${'0'.repeat(32)}`;
      const error = await rejection(
        ownerClient.client.wireless.v1.sims(unknown).usageRecords.list(),
      );
      expect(error).toMatchObject({ status: 404, code: 20404 });
      const foreign = await rejection(
        ownerClient.client.wireless.v1.sims('no-such-name').dataSessions.list(),
      );
      expect(foreign).toMatchObject({
        status: 404,
        code: 20404,
        message: 'The requested resource /Sims/no-such-name/DataSessions was not found',
      });
    });
  });

  describe('DataSessions', () => {
    it("lists a Sim's sessions in order of creation, in keyset pages both ways", async () => {
      const imei = randomImei();
      const simSid = (await insertSim(testApp, tenantId, { imei })).sid;
      const meter = new TrafficMeter();
      const flusher = new UsageFlusher(testApp.dataSource, meter, testApp.config);
      const now = Math.floor(Date.now() / 1000) * 1000;
      for (const ago of [3 * HOUR, 2 * HOUR, HOUR]) {
        meter.record(tenantId, [imei], 10, 1, now - ago);
        await flusher.flush();
      }
      const starts = (list: { start: Date }[]) => list.map((session) => session.start.getTime());
      const first = await wireless().sims(simSid).dataSessions.page({ pageSize: 2 });
      expect(starts(first.instances)).toEqual([now - 3 * HOUR, now - 2 * HOUR]);
      const second = (await first.nextPage())!;
      expect(starts(second.instances)).toEqual([now - HOUR]);
      expect(await second.nextPage()).toBeUndefined();
      const back = (await second.previousPage())!;
      expect(starts(back.instances)).toEqual(starts(first.instances));
      // Each has ended: the last one as it is shown, an hour idle.
      expect(second.instances[0].end).toEqual(new Date(now - HOUR));
      expect(first.instances.map((session) => session.end)).toEqual([
        new Date(now - 3 * HOUR),
        new Date(now - 2 * HOUR),
      ]);
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

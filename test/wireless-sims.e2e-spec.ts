import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import type { TenantCredentials } from '../src/auth/tenants.service';
import { CallbackDeliveryEntity } from '../src/twilio/entities/callback-delivery.entity';
import { SimEntity, type SimStatus } from '../src/wireless/entities/sim.entity';
import type { RatePlanEntity } from '../src/wireless/entities/rate-plan.entity';
import { SimImportService } from '../src/wireless/sim-import.service';
import { SIM_STATUS_QUEUE, type CompleteSimChangeJob } from '../src/wireless/sim-status.queue';
import { insertRatePlan, eid, iccid, simCsv, type SimCsvLine } from './factories/wireless.factory';
import { createTenant, tenantIdOf } from './factories/tenant.factory';
import {
  formParams,
  signedWith,
  startCallbackReceiver,
  type CallbackReceiver,
} from './utils/callback-receiver';
import { createTestApp, type TestApp } from './utils/test-app';
import { createTestDatabase, describeWithRedis, type TestDatabase } from './utils/test-database';
import { twilioClient, type TestTwilioClient, type TwilioExchange } from './utils/twilio-client';
import { twilioAnswerProblems } from './utils/twilio-schema';
import { waitFor } from './utils/wait';

/** Short enough for the tests, long enough to see the Sim `updating` in between. */
const DELAY_MS = 400;
const ENV = {
  WIRELESS_STATUS_DELAY_MS: String(DELAY_MS),
  CALLBACKS_ALLOW_PRIVATE: 'true',
  CALLBACK_MAX_ATTEMPTS: '3',
  CALLBACK_RETRY_DELAY_MS: '20',
};

/** A page of a list as twilio-node reads it, and the way to the next one. */
interface ListPage {
  instances: { sid: string }[];
  nextPage(): Promise<ListPage> | undefined;
}

/** The status of the answer `client` got last. */
const lastStatus = (client: TestTwilioClient) => client.exchanges.at(-1)?.status;

/**
 * Why the answers `clients` got are not Twilio's (empty when they all are), taking them out. The
 * spec lists no 202: an update that is under way answers the Sim as its 200 does.
 */
function answerProblems(...clients: TestTwilioClient[]): string[] {
  return clients
    .flatMap((client) => client.exchanges.splice(0))
    .map((answer): TwilioExchange => (answer.status === 202 ? { ...answer, status: 200 } : answer))
    .flatMap((answer) => twilioAnswerProblems('wireless', answer));
}

interface TwilioFailure {
  status: number;
  code: number;
  message: string;
}

/** What a twilio-node call threw: Twilio's error, as the client read it. */
async function failure(call: Promise<unknown>): Promise<TwilioFailure> {
  try {
    await call;
  } catch (error) {
    const { status, code, message } = error as TwilioFailure;
    return { status, code, message };
  }
  throw new Error('The call succeeded');
}

/** Imports `lines` as `slug`'s SIMs, as `sim:import` does. */
async function importSims(testApp: TestApp, slug: string, lines: SimCsvLine[]) {
  return (await testApp.app.get(SimImportService).import(slug, simCsv(lines))).sims;
}

/**
 * Sims in the order a list gives them: by creation, then SID (one import creates its Sims in one
 * transaction, at one time).
 */
function inListOrder(list: SimEntity[]): string[] {
  return [...list]
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.sid < b.sid ? -1 : 1))
    .map((sim) => sim.sid);
}

/** Waits until the Sim's row has `fields` (or the time is up), and expects it to. */
async function simReaches(
  testApp: TestApp,
  sid: string,
  fields: Partial<SimEntity>,
): Promise<SimEntity> {
  const sims = testApp.dataSource.getRepository(SimEntity);
  const matches = (sim: SimEntity) =>
    Object.entries(fields).every(([field, value]) => sim[field as keyof SimEntity] === value);
  const sim = await waitFor(() => sims.findOneByOrFail({ sid }), matches, { timeoutMs: 15_000 });
  expect(sim).toMatchObject(fields);
  return sim;
}

/** The callbacks a receiver got on `path`, once there are `count` (or the last ones seen). */
function callbacksOn(receiver: CallbackReceiver, path: string, count = 1) {
  const on = () => receiver.received.filter((callback) => callback.path === path);
  return waitFor(
    () => Promise.resolve(on()),
    (callbacks) => callbacks.length >= count,
    { timeoutMs: 15_000 },
  );
}

describeWithRedis('Wireless Sims through twilio-node (queue in Redis)', () => {
  jest.setTimeout(60_000);

  let testApp: TestApp;
  let tenant: TenantCredentials;
  let other: TenantCredentials;
  let tenantClient: TestTwilioClient;
  let otherTenantClient: TestTwilioClient;
  /** The two tenants' clients, as twilio-node's users hold them. */
  let client: TestTwilioClient['client'];
  let otherClient: TestTwilioClient['client'];
  let receiver: CallbackReceiver;
  let namedPlan: RatePlanEntity;
  let plan: RatePlanEntity;
  let otherPlan: RatePlanEntity;
  /** The tenant's 120 Sims, in the order of their import file. */
  let sims: SimEntity[];
  let otherSims: SimEntity[];
  const BATCH = 7;

  const sims$ = () => testApp.dataSource.getRepository(SimEntity);
  const setStatus = (sid: string, status: SimStatus) => sims$().update({ sid }, { status });

  beforeAll(async () => {
    testApp = await createTestApp({ redis: true, env: ENV });
    // The producers fail fast rather than queue offline: let the queue's connection come up first.
    const queue = testApp.app.get<Queue>(getQueueToken(SIM_STATUS_QUEUE), { strict: false });
    await waitFor(
      () => Promise.resolve(queue.client.status),
      (status) => status === 'ready',
    );
    tenant = await createTenant(testApp);
    other = await createTenant(testApp);
    const tenantId = await tenantIdOf(testApp, tenant.tenant);
    const otherId = await tenantIdOf(testApp, other.tenant);
    namedPlan = await insertRatePlan(testApp, tenantId, { uniqueName: 'iot-basic' });
    plan = await insertRatePlan(testApp, tenantId);
    otherPlan = await insertRatePlan(testApp, otherId, { uniqueName: 'iot-basic' });
    // 120 Sims: the first 30 on the named plan, the next 30 on the other, the rest on none.
    sims = await importSims(
      testApp,
      tenant.tenant,
      Array.from({ length: 120 }, (_, i) => ({
        iccid: iccid(i, BATCH),
        uniqueName: `sim-${i}`,
        eid: i < 10 ? eid(i) : undefined,
        imei: `35209308${String(i).padStart(7, '0')}`,
        ratePlan: i < 30 ? 'iot-basic' : i < 60 ? plan.sid : undefined,
      })),
    );
    otherSims = await importSims(testApp, other.tenant, [
      { iccid: iccid(0, BATCH + 1), uniqueName: 'sim-0', ratePlan: 'iot-basic' },
      { iccid: iccid(1, BATCH + 1), uniqueName: 'theirs', ratePlan: otherPlan.sid },
    ]);
    // A registration code comes with the SIM's packaging; no route sets it.
    await sims$().update({ sid: sims[5].sid }, { registrationCode: 'REG-5' });
    tenantClient = await twilioClient(testApp, tenant);
    otherTenantClient = await twilioClient(testApp, other);
    ({ client } = tenantClient);
    ({ client: otherClient } = otherTenantClient);
    // A receiver that fails on /failing/...: the callback is retried, then given up.
    receiver = await startCallbackReceiver((callback) =>
      callback.path.startsWith('/failing/') ? 500 : 204,
    );
  });
  afterAll(async () => {
    await receiver.close();
    await testApp.app
      .get<Queue>(getQueueToken(SIM_STATUS_QUEUE), { strict: false })
      .obliterate({ force: true });
    await testApp.close();
  });
  afterEach(() => {
    expect(answerProblems(tenantClient, otherTenantClient)).toEqual([]);
  });

  describe('list', () => {
    it('each() walks the 120 Sims over 3 pages of 50, every page per the spec', async () => {
      const seen: string[] = [];
      const sizes: number[] = [];
      let page: ListPage | undefined = await client.wireless.v1.sims.page({ pageSize: 50 });
      while (page) {
        sizes.push(page.instances.length);
        seen.push(...page.instances.map((sim) => sim.sid));
        page = await page.nextPage();
      }
      expect(seen).toEqual(inListOrder(sims));
      expect(sizes).toEqual([50, 50, 20]);

      const each: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const done = (error?: Error) => (error ? reject(error) : resolve());
        client.wireless.v1.sims.each({ pageSize: 50, done }, (sim) => {
          each.push(sim.sid);
        });
      });
      expect(each).toEqual(seen);
    });

    it.each([
      ['Iccid', () => ({ iccid: iccid(42, BATCH) }), () => [sims[42]]],
      ['EId', () => ({ eId: eid(3) }), () => [sims[3]]],
      ['SimRegistrationCode', () => ({ simRegistrationCode: 'REG-5' }), () => [sims[5]]],
      ['RatePlan by unique name', () => ({ ratePlan: 'iot-basic' }), () => sims.slice(0, 30)],
      ['RatePlan by SID', () => ({ ratePlan: plan.sid }), () => sims.slice(30, 60)],
    ])('filters by %s', async (_filter, options, expected) => {
      const listed = await client.wireless.v1.sims.list({ ...options(), pageSize: 1000 });
      expect(listed.map((sim) => sim.sid)).toEqual(inListOrder(expected()));
    });

    it('filters by Status, and names the filters first in its URLs', async () => {
      await setStatus(sims[100].sid, 'suspended');
      await setStatus(sims[110].sid, 'suspended');
      try {
        const page = await client.wireless.v1.sims.page({ status: 'suspended', pageSize: 1 });
        const suspended = inListOrder([sims[100], sims[110]]);
        expect(page.instances.map((sim) => sim.sid)).toEqual([suspended[0]]);
        const next = (await page.nextPage())!;
        expect(next.instances.map((sim) => sim.sid)).toEqual([suspended[1]]);
        expect(next.nextPageUrl).toBeUndefined();
        expect(page.nextPageUrl).toMatch(
          /\/wireless\/v1\/Sims\?Status=suspended&PageSize=1&Page=1&PageToken=PA/,
        );
      } finally {
        await setStatus(sims[100].sid, 'new');
        await setStatus(sims[110].sid, 'new');
      }
    });

    it("never lists another tenant's Sims, whatever the filter", async () => {
      const listed = await otherClient.wireless.v1.sims.list();
      expect(listed.map((sim) => sim.sid)).toEqual(inListOrder(otherSims));
      // Its own rate plan of that unique name, not the tenant's.
      const byName = await otherClient.wireless.v1.sims.list({ ratePlan: 'iot-basic' });
      expect(byName.map((sim) => sim.sid)).toEqual(inListOrder(otherSims));
      expect(await otherClient.wireless.v1.sims.list({ ratePlan: plan.sid })).toEqual([]);
      expect(await otherClient.wireless.v1.sims.list({ iccid: iccid(42, BATCH) })).toEqual([]);
    });
  });

  describe('fetch', () => {
    it('by SID and by unique name, per the spec', async () => {
      const bySid = await client.wireless.v1.sims(sims[1].sid).fetch();
      const byName = await client.wireless.v1.sims('sim-1').fetch();
      expect(bySid.toJSON()).toEqual(byName.toJSON());
      expect(bySid).toMatchObject({
        sid: sims[1].sid,
        uniqueName: 'sim-1',
        accountSid: tenant.accountSid,
        ratePlanSid: namedPlan.sid,
        iccid: iccid(1, BATCH),
        eId: eid(1),
        status: 'new',
        resetStatus: null,
      });
      expect(bySid.links).toEqual({
        data_sessions: `${bySid.url}/DataSessions`,
        usage_records: `${bySid.url}/UsageRecords`,
        rate_plan: expect.stringMatching(new RegExp(`/wireless/v1/RatePlans/${namedPlan.sid}$`)),
      });
    });

    it('answers 20404 for an unknown SID or name', async () => {
      const unknown = `DE${'0'.repeat(32)}`;
      expect(await failure(client.wireless.v1.sims(unknown).fetch())).toMatchObject({
        status: 404,
        code: 20404,
        message: `The requested resource /Sims/${unknown} was not found`,
      });
      expect(await failure(client.wireless.v1.sims('no-such-sim').fetch())).toMatchObject({
        status: 404,
        code: 20404,
      });
    });
  });

  describe('update, completing at once', () => {
    it('sets every parameter but the status, answers 200 and calls no callback', async () => {
      const sim = sims[2];
      const callbacks = receiver.received.length;
      const updated = await client.wireless.v1.sims(sim.sid).update({
        uniqueName: 'renamed-2',
        friendlyName: 'Truck 2',
        ratePlan: plan.sid,
        accountSid: tenant.accountSid,
        callbackUrl: `${receiver.baseUrl}/never`,
        commandsCallbackUrl: 'https://example.com/commands',
        commandsCallbackMethod: 'GET',
        smsUrl: 'https://example.com/sms',
        smsMethod: 'GET',
        smsFallbackUrl: 'https://example.com/sms-fallback',
        smsFallbackMethod: 'GET',
        voiceUrl: 'https://example.com/voice',
        voiceMethod: 'GET',
        voiceFallbackUrl: 'https://example.com/voice-fallback',
        voiceFallbackMethod: 'GET',
        status: 'new',
      });
      expect(lastStatus(tenantClient)).toBe(200);
      expect(updated).toMatchObject({
        uniqueName: 'renamed-2',
        friendlyName: 'Truck 2',
        ratePlanSid: plan.sid,
        status: 'new',
        commandsCallbackUrl: 'https://example.com/commands',
        commandsCallbackMethod: 'GET',
        smsUrl: 'https://example.com/sms',
        smsMethod: 'GET',
        smsFallbackUrl: 'https://example.com/sms-fallback',
        smsFallbackMethod: 'GET',
        voiceUrl: 'https://example.com/voice',
        voiceMethod: 'GET',
        voiceFallbackUrl: 'https://example.com/voice-fallback',
        voiceFallbackMethod: 'GET',
      });
      expect((await client.wireless.v1.sims('renamed-2').fetch()).toJSON()).toEqual(
        updated.toJSON(),
      );
      expect(receiver.received.length).toBe(callbacks);
    });

    it.each([
      [
        'a unique name another Sim holds',
        { uniqueName: 'sim-3' },
        400,
        33101,
        'another Sim is named sim-3',
      ],
      ['a unique name like a SID', { uniqueName: `DE${'a'.repeat(32)}` }, 400, 33101, 'SID'],
      ['an unknown rate plan', { ratePlan: 'no-such-plan' }, 400, 33108, 'no-such-plan'],
      ['an unknown status', { status: 'lost' }, 400, 20001, 'Status'],
      ['another account', { accountSid: `AC${'1'.repeat(32)}` }, 403, 33201, 'another account'],
      [
        'Status and ResetStatus together',
        { status: 'active', resetStatus: 'resetting' },
        400,
        33121,
        'together',
      ],
      ['a CallbackUrl that is not http(s)', { callbackUrl: 'ftp://example.com/x' }, 400, 20001, ''],
    ])('refuses %s', async (_case, params, status, code, message) => {
      const before = await sims$().findOneByOrFail({ sid: sims[4].sid });
      const refused = await failure(client.wireless.v1.sims(sims[4].sid).update(params as never));
      expect(refused).toMatchObject({ status, code, message: expect.stringContaining(message) });
      expect(await sims$().findOneByOrFail({ sid: sims[4].sid })).toEqual(before);
    });

    it("refuses another tenant's rate plan as unknown (33108)", async () => {
      const refused = await failure(
        client.wireless.v1.sims(sims[4].sid).update({ ratePlan: otherPlan.sid }),
      );
      expect(refused).toMatchObject({ status: 400, code: 33108 });
    });
  });

  describe('status changes', () => {
    it('refuses an illegal transition (33105) naming both states', async () => {
      const refused = await failure(
        client.wireless.v1.sims(sims[6].sid).update({ status: 'suspended' }),
      );
      expect(refused).toEqual({
        status: 400,
        code: 33105,
        message: 'A Sim cannot move from new to suspended',
      });
      await setStatus(sims[6].sid, 'ready');
      const back = await failure(client.wireless.v1.sims(sims[6].sid).update({ status: 'new' }));
      expect(back).toMatchObject({ code: 33105, message: 'A Sim cannot move from ready to new' });
    });

    it('refuses to make a Sim without a rate plan ready or active (33104)', async () => {
      const sim = sims[70];
      for (const status of ['ready', 'active'] as const) {
        expect(await failure(client.wireless.v1.sims(sim.sid).update({ status }))).toMatchObject({
          status: 400,
          code: 33104,
        });
      }
      // Given in the same request, the rate plan counts.
      await client.wireless.v1.sims(sim.sid).update({ status: 'ready', ratePlan: 'iot-basic' });
      expect(lastStatus(tenantClient)).toBe(202);
    });

    it('new -> ready: 202 updating, 33010 meanwhile, then ready and exactly one signed callback', async () => {
      const sim = sims[10];
      const path = `/status/${sim.sid}`;
      const answer = await client.wireless.v1
        .sims(sim.sid)
        .update({ status: 'ready', callbackUrl: `${receiver.baseUrl}${path}` });
      expect(lastStatus(tenantClient)).toBe(202);
      expect(answer.status).toBe('updating');

      for (const params of [{ status: 'active' }, { status: 'updating' }, { ratePlan: plan.sid }]) {
        const refused = await failure(client.wireless.v1.sims(sim.sid).update(params as never));
        expect(refused).toMatchObject({ status: 409, code: 33010 });
      }
      expect((await client.wireless.v1.sims(sim.sid).fetch()).status).toBe('updating');

      await simReaches(testApp, sim.sid, {
        status: 'ready',
        targetStatus: null,
        statusCallbackUrl: null,
      });
      // Scheduled before the change committed: by now it is recorded, and only once.
      const deliveries = testApp.dataSource.getRepository(CallbackDeliveryEntity);
      expect(await deliveries.countBy({ about: sim.sid })).toBe(1);

      const [callback, ...more] = await callbacksOn(receiver, path);
      expect(more).toEqual([]);
      expect(callback.method).toBe('POST');
      expect(signedWith(tenant.authToken, receiver, callback)).toBe(true);
      expect(formParams(callback)).toEqual({
        AccountSid: tenant.accountSid,
        SimSid: sim.sid,
        Iccid: sim.iccid,
        SimUniqueName: 'sim-10',
        Status: 'ready',
      });
    });

    it('completes whatever the callback receiver answers: it is retried, then given up', async () => {
      const sim = sims[15];
      const path = `/failing/${sim.sid}`;
      await client.wireless.v1
        .sims(sim.sid)
        .update({ status: 'active', callbackUrl: `${receiver.baseUrl}${path}` });
      await simReaches(testApp, sim.sid, { status: 'active', targetStatus: null });
      const deliveries = testApp.dataSource.getRepository(CallbackDeliveryEntity);
      const delivery = await waitFor(
        () => deliveries.findOneByOrFail({ about: sim.sid }),
        (row) => row.state !== 'pending',
        { timeoutMs: 15_000 },
      );
      expect(delivery).toMatchObject({ state: 'given_up', attempts: 3 });
      expect(receiver.received.filter((callback) => callback.path === path)).toHaveLength(3);
    });

    it('ready -> active -> suspended -> active, each reaching its status; GET callbacks carry a query', async () => {
      const sim = sims[11];
      await setStatus(sim.sid, 'ready');
      for (const status of ['active', 'suspended', 'active'] as const) {
        const path = `/steps/${sim.sid}/${status}-${Date.now()}`;
        await client.wireless.v1
          .sims(sim.sid)
          .update({ status, callbackUrl: `${receiver.baseUrl}${path}`, callbackMethod: 'GET' });
        expect(lastStatus(tenantClient)).toBe(202);
        await simReaches(testApp, sim.sid, { status });
        const received = await waitFor(
          () =>
            Promise.resolve(receiver.received.filter((callback) => callback.path.startsWith(path))),
          (callbacks) => callbacks.length > 0,
        );
        expect(received).toHaveLength(1);
        expect(received[0].method).toBe('GET');
        expect(new URL(received[0].path, receiver.baseUrl).searchParams.get('Status')).toBe(status);
        expect(signedWith(tenant.authToken, receiver, received[0])).toBe(true);
      }
    });

    it('deactivated, then canceled 72 hours later with a second callback', async () => {
      const sim = sims[12];
      await setStatus(sim.sid, 'active');
      const path = `/deactivation/${sim.sid}`;
      await client.wireless.v1
        .sims(sim.sid)
        .update({ status: 'deactivated', callbackUrl: `${receiver.baseUrl}${path}` });
      await simReaches(testApp, sim.sid, { status: 'deactivated' });
      const [first] = await callbacksOn(receiver, path);
      expect(formParams(first).Status).toBe('deactivated');
      expect(await sims$().findOneByOrFail({ sid: sim.sid })).toMatchObject({
        targetStatus: 'canceled',
        statusCallbackUrl: `${receiver.baseUrl}${path}`,
      });

      // The cancellation waits in the queue, 72 hours after the request: bring it forward.
      const queue = testApp.app.get<Queue<CompleteSimChangeJob>>(getQueueToken(SIM_STATUS_QUEUE), {
        strict: false,
      });
      const delayed = (await queue.getDelayed()).filter((job) => job.data.simSid === sim.sid);
      expect(delayed.map((job) => job.data.change)).toEqual([
        { kind: 'status', status: 'canceled' },
      ]);
      const dueIn = delayed[0].timestamp + Number(delayed[0].opts.delay) - Date.now();
      expect(dueIn).toBeGreaterThan(71 * 3600 * 1000);
      await delayed[0].promote();

      await simReaches(testApp, sim.sid, { status: 'canceled' });
      const callbacks = await callbacksOn(receiver, path, 2);
      expect(callbacks.map((callback) => formParams(callback).Status)).toEqual([
        'deactivated',
        'canceled',
      ]);
      expect(
        await failure(client.wireless.v1.sims(sim.sid).update({ status: 'active' })),
      ).toMatchObject({ code: 33105, message: 'A Sim cannot move from canceled to active' });
    });

    it('resets connectivity: 202 resetting, then null; refused when not ready/active (33119) or resetting (33120)', async () => {
      expect(
        await failure(client.wireless.v1.sims(sims[13].sid).update({ resetStatus: 'resetting' })),
      ).toMatchObject({ status: 400, code: 33119 });
      const sim = sims[14];
      await setStatus(sim.sid, 'active');
      const path = `/reset/${sim.sid}`;
      const answer = await client.wireless.v1
        .sims(sim.sid)
        .update({ resetStatus: 'resetting', callbackUrl: `${receiver.baseUrl}${path}` });
      expect(lastStatus(tenantClient)).toBe(202);
      expect(answer).toMatchObject({ status: 'active', resetStatus: 'resetting' });
      expect(
        await failure(client.wireless.v1.sims(sim.sid).update({ resetStatus: 'resetting' })),
      ).toMatchObject({ status: 409, code: 33120 });
      expect(
        await failure(client.wireless.v1.sims(sim.sid).update({ status: 'suspended' })),
      ).toMatchObject({ status: 409, code: 33010 });

      await simReaches(testApp, sim.sid, { resetStatus: null });
      const [callback] = await callbacksOn(receiver, path);
      expect(formParams(callback)).toMatchObject({ SimSid: sim.sid, Status: 'active' });
    });
  });

  describe('delete', () => {
    it('answers 204, then the Sim is gone', async () => {
      const sim = sims[119];
      expect(await client.wireless.v1.sims('sim-119').remove()).toBe(true);
      expect(lastStatus(tenantClient)).toBe(204);
      expect(await sims$().countBy({ sid: sim.sid })).toBe(0);
      expect(await failure(client.wireless.v1.sims(sim.sid).remove())).toMatchObject({
        status: 404,
        code: 20404,
      });
    });
  });

  describe("another tenant's Sim", () => {
    it('is not found by SID or unique name, on every operation, and stays as it was', async () => {
      const sim = sims[20];
      const before = await sims$().findOneByOrFail({ sid: sim.sid });
      for (const ref of [sim.sid, 'sim-20']) {
        const sims = otherClient.wireless.v1.sims;
        for (const call of [
          sims(ref).fetch(),
          sims(ref).update({ friendlyName: 'stolen' }),
          sims(ref).update({ status: 'ready', callbackUrl: `${receiver.baseUrl}/stolen` }),
          sims(ref).remove(),
        ]) {
          expect(await failure(call)).toMatchObject({ status: 404, code: 20404 });
        }
      }
      expect(await sims$().findOneByOrFail({ sid: sim.sid })).toEqual(before);
      // Its own Sim of the same unique name is the one it reaches.
      expect((await otherClient.wireless.v1.sims('sim-0').fetch()).sid).toBe(otherSims[0].sid);
      expect(receiver.received.some((callback) => callback.path === '/stolen')).toBe(false);
    });
  });
});

describe('Wireless Sims without Redis (the embedded default)', () => {
  jest.setTimeout(60_000);

  let database: TestDatabase;
  let testApp: TestApp;
  let tenant: TenantCredentials;
  let receiver: CallbackReceiver;

  const start = () => createTestApp({ redis: false, env: ENV, databaseUrl: database.url });

  beforeAll(async () => {
    database = await createTestDatabase();
    testApp = await start();
    tenant = await createTenant(testApp);
    await insertRatePlan(testApp, await tenantIdOf(testApp, tenant.tenant), {
      uniqueName: 'basic',
    });
    receiver = await startCallbackReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await testApp.close();
    await database.drop();
  });

  it('completes a change in this process, then calls back', async () => {
    const [sim] = await importSims(testApp, tenant.tenant, [
      { iccid: iccid(1, 9), ratePlan: 'basic' },
    ]);
    const tenantClient = await twilioClient(testApp, tenant);
    const path = `/embedded/${sim.sid}`;
    await tenantClient.client.wireless.v1
      .sims(sim.sid)
      .update({ status: 'active', callbackUrl: `${receiver.baseUrl}${path}` });
    expect(lastStatus(tenantClient)).toBe(202);
    expect(answerProblems(tenantClient)).toEqual([]);
    await simReaches(testApp, sim.sid, { status: 'active' });
    const [callback] = await callbacksOn(receiver, path);
    expect(formParams(callback).Status).toBe('active');
    expect(signedWith(tenant.authToken, receiver, callback)).toBe(true);
  });

  it('completes at the next start the changes a stop left pending', async () => {
    const [sim] = await importSims(testApp, tenant.tenant, [
      { iccid: iccid(2, 9), ratePlan: 'basic' },
    ]);
    // As a stop leaves it: updating, its completion lost with the process.
    await testApp.dataSource.getRepository(SimEntity).update(
      { sid: sim.sid },
      {
        status: 'updating',
        targetStatus: 'ready',
        statusCallbackUrl: `${receiver.baseUrl}/late`,
      },
    );
    await testApp.close();
    testApp = await start();

    await simReaches(testApp, sim.sid, { status: 'ready' });
    const [callback] = await callbacksOn(receiver, '/late');
    expect(formParams(callback)).toMatchObject({ SimSid: sim.sid, Status: 'ready' });
  });
});

describe('Wireless Sims without Redis, changes that take no time (WIRELESS_STATUS_DELAY_MS=0)', () => {
  let testApp: TestApp;
  let tenant: TenantCredentials;

  beforeAll(async () => {
    testApp = await createTestApp({ redis: false, env: { ...ENV, WIRELESS_STATUS_DELAY_MS: '0' } });
    tenant = await createTenant(testApp);
    await insertRatePlan(testApp, await tenantIdOf(testApp, tenant.tenant), {
      uniqueName: 'basic',
    });
  });
  afterAll(() => testApp.close());

  it('still answers 202 first, then completes once the update has committed', async () => {
    const [sim] = await importSims(testApp, tenant.tenant, [
      { iccid: iccid(3, 9), ratePlan: 'basic' },
    ]);
    const { client, exchanges } = await twilioClient(testApp, tenant);
    const answer = await client.wireless.v1.sims(sim.sid).update({ status: 'active' });
    expect({ status: exchanges.at(-1)?.status, sim: answer.status }).toEqual({
      status: 202,
      sim: 'updating',
    });
    await simReaches(testApp, sim.sid, { status: 'active' });
  });
});

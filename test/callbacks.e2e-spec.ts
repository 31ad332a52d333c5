import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TenantCredentials } from '../src/auth/tenants.service';
import { CallbackSender, type ScheduledCallback } from '../src/twilio/callbacks/callback-sender';
import { CALLBACK_QUEUE } from '../src/twilio/callbacks/callback.queue';
import { InvalidCallbackUrlError } from '../src/twilio/callbacks/callback-url';
import type { UndeliveredCallback } from '../src/twilio/callbacks/callback-log';
import { CallbackDeliveryEntity } from '../src/twilio/entities/callback-delivery.entity';
import { createTenant, tenantIdOf } from './factories/tenant.factory';
import {
  formParams,
  signedWith,
  startCallbackReceiver,
  type CallbackReceiver,
} from './utils/callback-receiver';
import { runCli } from './utils/cli';
import { scrape } from './utils/prometheus';
import { createTestApp, type TestApp } from './utils/test-app';
import { createTestDatabase, describeWithRedis } from './utils/test-database';
import { waitFor } from './utils/wait';

/** The CLI case starts a Node process with ts-node: a few seconds. */
jest.setTimeout(60_000);

/** Fast retries for the tests; the receivers are on 127.0.0.1. */
const CALLBACK_ENV = {
  CALLBACKS_ALLOW_PRIVATE: 'true',
  CALLBACK_MAX_ATTEMPTS: '3',
  CALLBACK_RETRY_DELAY_MS: '20',
  CALLBACK_TIMEOUT_MS: '1000',
};

const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

/** A delivery's record, once it is no longer pending. */
async function settled(testApp: TestApp, id: string): Promise<CallbackDeliveryEntity> {
  const repository = testApp.dataSource.getRepository(CallbackDeliveryEntity);
  return waitFor(
    () => repository.findOneByOrFail({ id }),
    (delivery) => delivery.state !== 'pending',
    { timeoutMs: 15_000 },
  );
}

/** A server that accepts connections and never answers. */
async function silentServer(): Promise<{ url: string; server: Server }> {
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

/**
 * The same cases with the queue in Redis (a worker in the process) and without Redis (the
 * in-process queue of the embedded default): what a receiver gets must not depend on it.
 */
function deliverySuite(queued: boolean): void {
  let testApp: TestApp;
  let tenant: TenantCredentials;
  let tenantId: string;
  let receiver: CallbackReceiver;
  /** The status each request of the current case gets (by default 204). */
  let answer: (index: number) => number;

  beforeAll(async () => {
    testApp = await createTestApp({ redis: queued, env: CALLBACK_ENV });
    if (queued) {
      // The producer fails fast rather than queue offline: let its connection come up first.
      const queue = testApp.app.get<Queue>(getQueueToken(CALLBACK_QUEUE), { strict: false });
      await waitFor(
        () => Promise.resolve(queue.client.status),
        (status) => status === 'ready',
      );
    }
    tenant = await createTenant(testApp);
    tenantId = await tenantIdOf(testApp, tenant.tenant);
    receiver = await startCallbackReceiver((_request, index) => answer(index));
  });
  beforeEach(() => {
    receiver.received.length = 0;
    answer = () => 204;
  });
  afterAll(async () => {
    await receiver.close();
    if (queued) {
      await testApp.app
        .get<Queue>(getQueueToken(CALLBACK_QUEUE), { strict: false })
        .obliterate({ force: true });
    }
    await testApp.close();
  });

  const schedule = (callback: Partial<ScheduledCallback>) =>
    testApp.app.get(CallbackSender).schedule({
      tenantId,
      url: `${receiver.baseUrl}/status`,
      method: 'POST',
      params: { Status: 'ready' },
      about: sid('DE'),
      ...callback,
    });

  /** With Redis, resolves once the queue holds no job: nothing more can be sent. */
  const drained = async () => {
    if (!queued) return;
    const queue = testApp.app.get<Queue>(getQueueToken(CALLBACK_QUEUE), { strict: false });
    const counts = await waitFor(
      () => queue.getJobCounts(),
      (jobs) => jobs.waiting + jobs.active + jobs.delayed === 0,
    );
    expect(counts).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0 });
  };

  it('posts exactly one callback, form-encoded and signed with the tenant’s auth token', async () => {
    const simSid = sid('DE');
    const params = { AccountSid: tenant.accountSid, SimSid: simSid, Status: 'ready' };
    const id = await schedule({
      url: `${receiver.baseUrl}/sims/status?source=fleethub`,
      params,
      about: simSid,
    });

    const delivery = await settled(testApp, id);
    await drained();
    expect(receiver.received).toHaveLength(1);
    const [callback] = receiver.received;
    expect(callback.method).toBe('POST');
    expect(callback.path).toBe('/sims/status?source=fleethub');
    expect(callback.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(formParams(callback)).toEqual(params);
    expect(callback.headers['i-twilio-idempotency-token']).toBe(id);
    expect(signedWith(tenant.authToken, receiver, callback)).toBe(true);
    expect(signedWith('0'.repeat(32), receiver, callback)).toBe(false);

    expect(delivery).toMatchObject({
      tenantId,
      about: simSid,
      url: `${receiver.baseUrl}/sims/status`,
      method: 'POST',
      state: 'delivered',
      attempts: 1,
      lastStatus: 204,
      lastError: null,
    });
    expect(delivery.finishedAt).toBeInstanceOf(Date);
  });

  it('sends a GET callback’s parameters in its query string, after the URL’s own, signed', async () => {
    const params = { SimSid: sid('DE'), Status: 'active', FriendlyName: 'Truck 7 & co' };
    const id = await schedule({
      url: `${receiver.baseUrl}/cb?source=fleethub`,
      method: 'GET',
      params,
    });

    expect(await settled(testApp, id)).toMatchObject({ state: 'delivered', method: 'GET' });
    await drained();
    expect(receiver.received).toHaveLength(1);
    const [callback] = receiver.received;
    expect(callback.method).toBe('GET');
    expect(callback.body).toBe('');
    const query = new URL(callback.path, receiver.baseUrl).searchParams;
    expect([...query.keys()]).toEqual(['source', 'SimSid', 'Status', 'FriendlyName']);
    expect(Object.fromEntries(query)).toEqual({ source: 'fleethub', ...params });
    expect(signedWith(tenant.authToken, receiver, callback)).toBe(true);
  });

  it('retries a receiver that fails and records the delivery once it answers 2xx', async () => {
    answer = (index) => (index < 2 ? 503 : 200);
    const id = await schedule({});

    expect(await settled(testApp, id)).toMatchObject({
      state: 'delivered',
      attempts: 3,
      lastStatus: 200,
    });
    await drained();
    expect(receiver.received).toHaveLength(3);
    for (const callback of receiver.received) {
      expect(callback.headers['i-twilio-idempotency-token']).toBe(id);
      expect(signedWith(tenant.authToken, receiver, callback)).toBe(true);
    }
  });

  it('gives up on a receiver that keeps failing after CALLBACK_MAX_ATTEMPTS, and records it', async () => {
    answer = () => 500;
    const id = await schedule({});

    const delivery = await settled(testApp, id);
    await drained();
    expect(delivery).toMatchObject({
      state: 'given_up',
      attempts: 3,
      lastStatus: 500,
      lastError: null,
    });
    expect(delivery.finishedAt).toBeInstanceOf(Date);
    expect(receiver.received).toHaveLength(3);
  });

  it('records what kept an attempt from an answer: nothing listening, or no answer in time', async () => {
    const closed = await startCallbackReceiver();
    await closed.close();
    const silent = await silentServer();
    try {
      const refused = await schedule({ url: `${closed.baseUrl}/status` });
      const slow = await schedule({ url: silent.url });
      expect(await settled(testApp, refused)).toMatchObject({
        state: 'given_up',
        attempts: 3,
        lastStatus: null,
        lastError: 'ECONNREFUSED',
      });
      expect(await settled(testApp, slow)).toMatchObject({
        state: 'given_up',
        attempts: 3,
        lastStatus: null,
        lastError: 'Timeout',
      });
    } finally {
      silent.server.closeAllConnections();
      silent.server.close();
    }
  });

  it('refuses a callback URL that is not http(s) when scheduling: a 400, nothing recorded', async () => {
    const before = await testApp.dataSource
      .getRepository(CallbackDeliveryEntity)
      .countBy({ tenantId });
    for (const url of ['ftp://example.com/x', 'file:///etc/passwd', 'status', 'javascript:1']) {
      const refusal = schedule({ url });
      await expect(refusal).rejects.toBeInstanceOf(InvalidCallbackUrlError);
      await expect(refusal).rejects.toMatchObject({ status: 400 });
    }
    const after = await testApp.dataSource
      .getRepository(CallbackDeliveryEntity)
      .countBy({ tenantId });
    expect(after).toBe(before);
  });
}

describeWithRedis('callbacks through the Redis queue (a worker in the process)', () =>
  deliverySuite(true),
);

describe('callbacks without Redis (the in-process queue of the embedded default)', () =>
  deliverySuite(false));

describeWithRedis('a backlog of callbacks (ROLE=api: no worker takes them)', () => {
  let api: TestApp;
  beforeAll(async () => {
    api = await createTestApp({
      env: { ...CALLBACK_ENV, ROLE: 'api', READY_MAX_QUEUE_WAITING: '1' },
    });
    const queue = api.app.get<Queue>(getQueueToken(CALLBACK_QUEUE), { strict: false });
    await waitFor(
      () => Promise.resolve(queue.client.status),
      (status) => status === 'ready',
    );
  });
  afterAll(async () => {
    await api.app.get<Queue>(getQueueToken(CALLBACK_QUEUE), { strict: false }).obliterate({
      force: true,
    });
    await api.close();
  });

  it('shows in the metrics but leaves readiness alone: tenants’ receivers set its pace', async () => {
    const tenantId = await tenantIdOf(api, (await createTenant(api)).tenant);
    for (let i = 0; i < 3; i++) {
      await api.app.get(CallbackSender).schedule({
        tenantId,
        url: 'http://127.0.0.1:9/status',
        method: 'POST',
        params: { Status: 'ready' },
        about: sid('DE'),
      });
    }
    const metrics = await scrape(api);
    expect(metrics.value('fleethub_queue_jobs', { queue: CALLBACK_QUEUE, state: 'waiting' })).toBe(
      3,
    );
    const ready = await api.http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(Object.keys((ready.body as { info: { queue: object } }).info.queue).sort()).toEqual([
      'northbound',
      'status',
      'telemetry',
    ]);
  });
});

describe('callbacks without Redis across a restart', () => {
  it('records the callbacks a stopped process left pending as given up (Interrupted)', async () => {
    const database = await createTestDatabase();
    try {
      const first = await createTestApp({ redis: false, databaseUrl: database.url });
      const tenantId = await tenantIdOf(first, (await createTenant(first)).tenant);
      const repository = first.dataSource.getRepository(CallbackDeliveryEntity);
      // What a process stopped between two attempts leaves behind.
      const { id } = await repository.save(
        repository.create({
          tenantId,
          about: sid('DE'),
          url: 'http://127.0.0.1:9/status',
          method: 'POST',
          attempts: 1,
        }),
      );
      await first.close();

      const second = await createTestApp({ redis: false, databaseUrl: database.url });
      try {
        const delivery = await second.dataSource
          .getRepository(CallbackDeliveryEntity)
          .findOneByOrFail({ id });
        expect(delivery).toMatchObject({
          state: 'given_up',
          attempts: 1,
          lastError: 'Interrupted',
        });
        expect(delivery.finishedAt).toBeInstanceOf(Date);
      } finally {
        await second.close();
      }
    } finally {
      await database.drop();
    }
  });
});

describe('callbacks:undelivered (operator CLI)', () => {
  it('lists a tenant’s latest callbacks not delivered, newest first, without their secrets', async () => {
    const testApp = await createTestApp({ redis: false, env: CALLBACK_ENV });
    try {
      const tenant = await createTenant(testApp);
      const tenantId = await tenantIdOf(testApp, tenant.tenant);
      const receiver = await startCallbackReceiver((request) =>
        request.path.startsWith('/ok') ? 204 : 500,
      );
      const sender = testApp.app.get(CallbackSender);
      const schedule = (path: string, about: string) =>
        sender.schedule({
          tenantId,
          url: `${receiver.baseUrl.replace('//', '//user:s3cret@')}${path}?token=t0ps3cret`,
          method: 'POST',
          params: { Status: 'ready' },
          about,
        });
      const failing = [sid('DE'), sid('DE')];
      const delivered = await schedule('/ok', sid('DE'));
      const given = [];
      for (const about of failing) given.push(await schedule('/fails', about));
      for (const id of [delivered, ...given]) await settled(testApp, id);
      await receiver.close();

      const result = await runCli(['callbacks:undelivered', '--tenant', tenant.tenant, '--json'], {
        DATABASE_URL: testApp.config.database.url,
      });
      expect(result.code).toBe(0);
      const listed = JSON.parse(result.stdout) as UndeliveredCallback[];
      expect(listed.map((callback) => callback.id)).toEqual([...given].reverse());
      expect(listed[0]).toEqual({
        id: given[1],
        about: failing[1],
        url: `${receiver.baseUrl}/fails`,
        method: 'POST',
        state: 'given_up',
        attempts: 3,
        lastStatus: 500,
        lastError: null,
        createdAt: expect.any(String),
        lastAttemptAt: expect.any(String),
        finishedAt: expect.any(String),
      });
      expect(result.stdout).not.toContain('s3cret');

      const unknown = await runCli(['callbacks:undelivered', '--tenant', 'no-such-tenant'], {
        DATABASE_URL: testApp.config.database.url,
      });
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('No tenant with slug "no-such-tenant"');
    } finally {
      await testApp.close();
    }
  });
});

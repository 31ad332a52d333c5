import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import type { TenantCredentials } from '../src/auth/tenants.service';
import { MetricsService } from '../src/metrics/metrics.service';
import { serveWorkerMetrics } from '../src/metrics/worker-metrics.server';
import { NORTHBOUND_QUEUE } from '../src/northbound/northbound.queue';
import { TELEMETRY_QUEUE } from '../src/telemetry/telemetry.queue';
import { northboundCredentials, trackerMessage } from './factories/northbound.factory';
import {
  examplePoints,
  pointSeries,
  randomImei,
  telemetryPoint,
} from './factories/telemetry.factory';
import { apiHeaders, createTenant, issueToken, tenantIdOf } from './factories/tenant.factory';
import { scrape, type Scrape } from './utils/prometheus';
import { createTestApp, type TestApp } from './utils/test-app';
import { describeWithRedis } from './utils/test-database';
import { waitFor } from './utils/wait';

const TELEMETRY = '/apidev/v1/telemetry';

interface Readiness {
  status: 'ok' | 'error';
  info?: Record<string, Record<string, unknown>>;
  error?: Record<string, Record<string, unknown>>;
}

async function ready(testApp: TestApp): Promise<{ status: number; body: Readiness }> {
  const response = await testApp.http.get('/health/ready');
  return { status: response.status, body: response.body as Readiness };
}

/** Empties the app's queues in Redis: its queue prefix is its own, nothing else uses them. */
async function obliterateQueues(testApp: TestApp): Promise<void> {
  for (const name of [TELEMETRY_QUEUE, NORTHBOUND_QUEUE]) {
    const queue = testApp.app.get<Queue>(getQueueToken(name), { strict: false });
    await queue.obliterate({ force: true });
  }
}

describeWithRedis('ingestion metrics (Redis, a worker in the process)', () => {
  let testApp: TestApp;
  let tenant: TenantCredentials;
  let tenantId: string;
  let headers: Record<string, string>;

  beforeAll(async () => {
    testApp = await createTestApp({
      env: {
        // Small buckets, so that one request can cost more than a bucket holds (always refused).
        RATE_LIMIT_GLOBAL_CAPACITY: '3',
        RATE_LIMIT_IMEI_CAPACITY: '2',
        NORTHBOUND_BASE_PATH: '/northbound',
        READY_MAX_QUEUE_WAITING: '0',
        READY_MAX_QUEUE_AGE_SECONDS: '0',
      },
    });
    tenant = await createTenant(testApp);
    tenantId = await tenantIdOf(testApp, tenant.tenant);
    headers = apiHeaders(tenant, await issueToken(testApp, tenant));
  });
  afterAll(async () => {
    await obliterateQueues(testApp);
    await testApp.close();
  });

  const post = (body: unknown, requestHeaders = headers) =>
    testApp.http
      .post(TELEMETRY)
      .set(requestHeaders)
      .send(body as object);

  /** Change of each sample between two scrapes (absent counts as 0). */
  const change =
    (before: Scrape, after: Scrape) =>
    (name: string, labels: Record<string, string> = {}) =>
      (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0);

  it('counts telemetry accepted and refused by reason, with their points, and bucket refusals by kind', async () => {
    const before = await scrape(testApp);
    const imei = randomImei();
    await post(examplePoints(imei)).expect(200);
    await post([
      telemetryPoint({ imei: randomImei(), latitude: '91' }),
      telemetryPoint(),
      telemetryPoint(),
    ]).expect(400);
    // 41 points of one IMEI cost 3 tokens, more than its bucket holds (2).
    await post(pointSeries(randomImei(), 41)).expect(429);
    // 80 points cost 4 tokens of the user's bucket (3); each IMEI's 20 cost 1.
    const spread = [1, 2, 3, 4].flatMap(() => pointSeries(randomImei(), 20));
    await post(spread).expect(429);
    // Refused before the route runs: the body is not JSON.
    await testApp.http
      .post(TELEMETRY)
      .set(headers)
      .set('Content-Type', 'application/json')
      .send('[{"imei":')
      .expect(400);
    await post(examplePoints(imei), {}).expect(400);
    const after = await scrape(testApp);
    const delta = change(before, after);

    const rejected = (reason: string) => ({ outcome: 'rejected', reason });
    expect({
      accepted: delta('fleethub_telemetry_batches_total', { outcome: 'accepted' }),
      pointsAccepted: delta('fleethub_telemetry_points_total', { outcome: 'accepted' }),
      validation: delta('fleethub_telemetry_batches_total', rejected('validation_error')),
      validationPoints: delta('fleethub_telemetry_points_total', rejected('validation_error')),
      rateLimited: delta('fleethub_telemetry_batches_total', rejected('rate_limited')),
      rateLimitedPoints: delta('fleethub_telemetry_points_total', rejected('rate_limited')),
      imeiBucket: delta('fleethub_rate_limit_rejections_total', { bucket: 'imei' }),
      globalBucket: delta('fleethub_rate_limit_rejections_total', { bucket: 'global' }),
      missingHeaders: delta('fleethub_telemetry_batches_total', rejected('bad_request')),
      northbound: delta('fleethub_northbound_messages_total', { outcome: 'accepted' }),
    }).toEqual({
      accepted: 1,
      pointsAccepted: 2,
      // the invalid batch and the malformed body (whose points are unknown)
      validation: 2,
      validationPoints: 3,
      rateLimited: 2,
      rateLimitedPoints: 41 + 80,
      imeiBucket: 1,
      globalBucket: 1,
      missingHeaders: 1,
      northbound: 0,
    });
  });

  it('counts northbound messages accepted and refused, at the configured base path', async () => {
    const before = await scrape(testApp);
    await testApp.http
      .post('/northbound/data')
      .auth(...northboundCredentials(tenant))
      .send(trackerMessage())
      .expect(200);
    await testApp.http
      .post('/northbound/data')
      .auth(tenant.northbound.username, 'not-the-password')
      .send(trackerMessage())
      .expect(401);
    const delta = change(before, await scrape(testApp));
    expect({
      accepted: delta('fleethub_northbound_messages_total', { outcome: 'accepted' }),
      unauthorized: delta('fleethub_northbound_messages_total', {
        outcome: 'rejected',
        reason: 'unauthorized',
      }),
      telemetry: delta('fleethub_telemetry_batches_total', { outcome: 'accepted' }),
    }).toEqual({ accepted: 1, unauthorized: 1, telemetry: 0 });
  });

  it('counts the rows the worker stores and times its jobs, by queue', async () => {
    // Since the app started: 2 telemetry points, and one tracker message with its location.
    const settled = await waitFor(
      () => scrape(testApp),
      (metrics) =>
        metrics.value('fleethub_rows_written_total', { table: 'tracker_messages' }) === 1 &&
        metrics.value('fleethub_rows_written_total', { table: 'positions' }) === 3,
      { timeoutMs: 10_000 },
    );
    const rows = (table: string) => settled.value('fleethub_rows_written_total', { table });
    const jobs = (queue: string, outcome: string) =>
      settled.value('fleethub_queue_job_duration_seconds_count', { queue, outcome });
    expect({
      positions: rows('positions'),
      events: rows('device_events'),
      messages: rows('tracker_messages'),
      telemetryJobs: jobs('telemetry', 'completed'),
      northboundJobs: jobs('northbound', 'completed'),
      failedJobs: jobs('telemetry', 'failed') ?? 0,
    }).toEqual({
      positions: 3,
      events: 0,
      messages: 1,
      telemetryJobs: 1,
      northboundJobs: 1,
      failedJobs: 0,
    });
    const [stored] = await testApp.dataSource.query<{ count: string }[]>(
      'SELECT count(*) FROM positions WHERE tenant_id = $1',
      [tenantId],
    );
    expect(Number(stored.count)).toBe(3);
  });

  it('reports each queue, idle, and labels nothing with a tenant or device', async () => {
    const queues = ['telemetry', 'northbound'];
    const states = ['waiting', 'active', 'delayed', 'failed'];
    // A job's rows are counted once committed, a moment before Bull marks the job completed.
    const metrics = await waitFor(
      () => scrape(testApp),
      (scraped) =>
        queues.every((queue) =>
          states.every((state) => scraped.value('fleethub_queue_jobs', { queue, state }) === 0),
        ),
      { timeoutMs: 10_000 },
    );
    for (const queue of queues) {
      for (const state of states) {
        expect({
          queue,
          state,
          jobs: metrics.value('fleethub_queue_jobs', { queue, state }),
        }).toEqual({ queue, state, jobs: 0 });
      }
      expect(metrics.value('fleethub_queue_oldest_waiting_age_seconds', { queue })).toBe(0);
    }
    expect(metrics.text).not.toContain(tenantId);
    expect(metrics.text).not.toContain(tenant.tenant);
  });

  it('leaves the backlog out of readiness when both limits are 0', async () => {
    const { status, body } = await ready(testApp);
    expect(status).toBe(200);
    expect(Object.keys(body.info ?? {}).sort()).toEqual(['database', 'redis']);
  });
});

describeWithRedis('readiness with a queue backlog (ROLE=api: no worker takes the jobs)', () => {
  let api: TestApp;
  let headers: Record<string, string>;

  beforeAll(async () => {
    api = await createTestApp({ env: { ROLE: 'api', READY_MAX_QUEUE_WAITING: '3' } });
    const tenant = await createTenant(api);
    headers = apiHeaders(tenant, await issueToken(api, tenant));
  });
  afterAll(async () => {
    await obliterateQueues(api);
    await api.close();
  });

  const waiting = (readiness: Readiness) =>
    (readiness.info ?? readiness.error)?.queue?.telemetry as { waiting: number } | undefined;

  it('turns 503 naming the queue check once the waiting jobs pass READY_MAX_QUEUE_WAITING, and 200 again once a worker stores them', async () => {
    const imeis = [randomImei(), randomImei(), randomImei(), randomImei()];
    for (const imei of imeis.slice(0, 3)) {
      await api.http.post(TELEMETRY).set(headers).send(examplePoints(imei)).expect(200);
    }
    // At the limit, not over it: still ready (the reading is cached for a second).
    const atLimit = await waitFor(
      () => ready(api),
      (readiness) => waiting(readiness.body)?.waiting === 3,
    );
    expect(atLimit.status).toBe(200);
    expect(atLimit.body.info?.queue).toEqual({
      status: 'up',
      telemetry: { waiting: 3, oldestWaitingAgeSeconds: expect.any(Number) },
      northbound: { waiting: 0, oldestWaitingAgeSeconds: 0 },
    });

    await api.http.post(TELEMETRY).set(headers).send(examplePoints(imeis[3])).expect(200);
    const over = await waitFor(
      () => ready(api),
      (readiness) => readiness.status === 503,
    );
    expect(over.status).toBe(503);
    expect(over.body.status).toBe('error');
    expect(over.body.error).toEqual({
      queue: {
        status: 'down',
        message: 'queue telemetry has 4 waiting jobs, over READY_MAX_QUEUE_WAITING (3)',
        telemetry: { waiting: 4, oldestWaitingAgeSeconds: expect.any(Number) },
        northbound: { waiting: 0, oldestWaitingAgeSeconds: 0 },
      },
    });
    expect(Object.keys(over.body.info ?? {}).sort()).toEqual(['database', 'redis']);

    const metrics = await scrape(api);
    expect({
      waiting: metrics.value('fleethub_queue_jobs', { queue: 'telemetry', state: 'waiting' }),
      active: metrics.value('fleethub_queue_jobs', { queue: 'telemetry', state: 'active' }),
      northbound: metrics.value('fleethub_queue_jobs', { queue: 'northbound', state: 'waiting' }),
    }).toEqual({ waiting: 4, active: 0, northbound: 0 });
    expect(
      metrics.value('fleethub_queue_oldest_waiting_age_seconds', { queue: 'telemetry' }),
    ).toBeGreaterThan(0);

    // A worker on the same queues and database (the API's token is not used after this: the
    // app created last serves authentication for both).
    const worker = await createTestApp({
      databaseUrl: api.config.database.url,
      env: { ROLE: 'worker', QUEUE_PREFIX: api.config.queue.prefix },
    });
    try {
      const drained = await waitFor(
        () => ready(api),
        (readiness) => readiness.status === 200,
        { timeoutMs: 15_000 },
      );
      expect(drained.status).toBe(200);
      expect(waiting(drained.body)?.waiting).toBe(0);
      // Nothing waits any more; the last jobs taken may still be committing.
      const stored = await waitFor(
        async () => {
          const [row] = await api.dataSource.query<{ count: string }[]>(
            `SELECT count(*) FROM positions p JOIN devices d ON d.id = p.device_id
             WHERE d.external_id = ANY($1)`,
            [imeis],
          );
          return Number(row.count);
        },
        (count) => count === 8,
      );
      expect(stored).toBe(8);
    } finally {
      await worker.close();
    }
  });
});

describe('metrics and readiness of the embedded default (no Redis)', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp({ redis: false });
  });
  afterAll(() => testApp.close());

  it('has no queue to report: no queue series, no backlog check', async () => {
    const metrics = await scrape(testApp);
    expect(metrics.text).toContain('# TYPE fleethub_queue_jobs gauge');
    expect(metrics.text).not.toMatch(/^fleethub_queue_jobs\{/m);
    const { status, body } = await ready(testApp);
    expect(status).toBe(200);
    expect(Object.keys(body.info ?? {})).toEqual(['database']);
  });

  it('names its PostgreSQL connections after its role, for pg_stat_activity', async () => {
    const rows = await testApp.app
      .get(DataSource)
      .query<{ name: string }[]>(
        'SELECT application_name AS name FROM pg_stat_activity WHERE pid = pg_backend_pid()',
      );
    expect(rows).toEqual([{ name: 'fleethub-all' }]);
  });

  it('counts rows stored inline, before the answer', async () => {
    const tenant = await createTenant(testApp);
    const headers = apiHeaders(tenant, await issueToken(testApp, tenant));
    await testApp.http.post(TELEMETRY).set(headers).send(examplePoints(randomImei())).expect(200);
    const metrics = await scrape(testApp);
    expect(metrics.value('fleethub_rows_written_total', { table: 'positions' })).toBe(2);
    expect(metrics.value('fleethub_telemetry_batches_total', { outcome: 'accepted' })).toBe(1);
    expect(metrics.value('fleethub_telemetry_points_total', { outcome: 'accepted' })).toBe(2);
  });

  it("serves a worker's metrics on a port of their own, and nothing else there", async () => {
    const server = await serveWorkerMetrics(testApp.app.get(MetricsService), '127.0.0.1', 0);
    try {
      const { port } = server.address() as AddressInfo;
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      expect(await metrics.text()).toMatch(/^fleethub_rows_written_total\{table="positions"\} 2$/m);
      expect((await fetch(`http://127.0.0.1:${port}/apidev/v1/telemetry`)).status).toBe(404);
    } finally {
      server.close();
    }
  });
});

import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { randomBytes, randomUUID } from 'node:crypto';
import { COMMANDS } from '../src/cli/commands';
import { DURABLE_JOB_OPTIONS } from '../src/queue/queue.producer';
import { NORTHBOUND_QUEUE } from '../src/northbound/northbound.queue';
import {
  INGEST_JOB,
  TELEMETRY_QUEUE,
  type IngestTelemetryJob,
} from '../src/telemetry/telemetry.queue';
import {
  COMPLETE_CHANGE_JOB,
  SIM_STATUS_QUEUE,
  type CompleteSimChangeJob,
} from '../src/wireless/sim-status.queue';
import { examplePoints, pointSeries, randomImei } from './factories/telemetry.factory';
import { apiHeaders, createTenant, issueToken } from './factories/tenant.factory';
import { runCli, type CliResult } from './utils/cli';
import { scrape } from './utils/prometheus';
import { createTestApp, type TestApp } from './utils/test-app';
import { createTestDatabase, describeWithRedis } from './utils/test-database';
import { waitFor } from './utils/wait';

/** Each command starts a Node process with ts-node and connects to PostgreSQL: a few seconds. */
jest.setTimeout(120_000);

interface FailedJobJson {
  queue: string;
  id: string;
  tenantId: string;
  requestId: string;
  points: number;
  bytes: number;
  attemptsMade: number;
  failedReason: string;
  queuedAt: string;
  failedAt: string;
}

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown as string;

describeWithRedis('failed jobs: jobs:failed and jobs:retry', () => {
  let testApp: TestApp;
  let queue: Queue<IngestTelemetryJob>;
  let cli: (...args: string[]) => Promise<CliResult>;

  beforeAll(async () => {
    testApp = await createTestApp();
    queue = testApp.app.get<Queue>(getQueueToken(TELEMETRY_QUEUE), { strict: false });
    // The producer fails fast rather than queue commands offline: let it connect first (Bull's
    // isReady settles on the connection, before Redis has answered its ready check).
    await waitFor(
      () => Promise.resolve(queue.client.status),
      (status) => status === 'ready',
    );
    const { config } = testApp;
    cli = (...args) =>
      runCli(args, {
        DATABASE_URL: config.database.url,
        REDIS_URL: config.redis.url!,
        QUEUE_PREFIX: config.queue.prefix,
      });
  });
  afterAll(async () => {
    for (const name of [TELEMETRY_QUEUE, NORTHBOUND_QUEUE, SIM_STATUS_QUEUE]) {
      await testApp.app
        .get<Queue>(getQueueToken(name), { strict: false })
        .obliterate({ force: true });
    }
    await testApp.close();
  });

  /** The positions of a device of a tenant. */
  const positions = async (tenantId: string, imei: string) => {
    const [row] = await testApp.dataSource.query<{ count: string }[]>(
      `SELECT count(*) FROM positions p JOIN devices d ON d.id = p.device_id
       WHERE d.tenant_id = $1 AND d.external_id = $2`,
      [tenantId, imei],
    );
    return Number(row.count);
  };

  it('lists the jobs a worker could not store, shows one, and stores them once retried after the cause is fixed', async () => {
    // Jobs of a tenant the database does not have: the worker's write breaks a foreign key. One
    // attempt each, so that they fail at once rather than after 8 attempts over 4 minutes.
    const tenantId = randomUUID();
    const [imeiA, imeiB] = [randomImei(), randomImei()];
    const job = (requestId: string, points: unknown[]): IngestTelemetryJob => ({
      tenantId,
      requestId,
      receivedAt: new Date().toISOString(),
      points: JSON.stringify(points),
    });
    const options = { ...DURABLE_JOB_OPTIONS, attempts: 1 };
    const a = await queue.add(INGEST_JOB, job('req-a', pointSeries(imeiA, 3)), options);
    const b = await queue.add(INGEST_JOB, job('req-b', pointSeries(imeiB, 2)), options);
    expect(
      await waitFor(
        () => queue.getFailedCount(),
        (count) => count === 2,
      ),
    ).toBe(2);

    const metrics = await waitFor(
      () => scrape(testApp),
      (scraped) =>
        scraped.value('fleethub_queue_jobs', { queue: 'telemetry', state: 'failed' }) === 2,
    );
    expect(metrics.value('fleethub_queue_jobs', { queue: 'telemetry', state: 'failed' })).toBe(2);
    expect(
      metrics.value('fleethub_queue_job_duration_seconds_count', {
        queue: 'telemetry',
        outcome: 'failed',
      }),
    ).toBeGreaterThanOrEqual(2);

    const listed = await cli('jobs:failed', '--queue', 'telemetry', '--json');
    expect({ code: listed.code, stderr: listed.stderr }).toEqual({ code: 0, stderr: '' });
    const list = JSON.parse(listed.stdout) as {
      failed: Record<string, number>;
      jobs: FailedJobJson[];
    };
    expect(list.failed).toEqual({ telemetry: 2 });
    const byRequest = (requestId: string) =>
      list.jobs.find((listedJob) => listedJob.requestId === requestId);
    expect(list.jobs).toHaveLength(2);
    expect(byRequest('req-a')).toEqual({
      queue: 'telemetry',
      id: String(a.id),
      tenantId,
      requestId: 'req-a',
      points: 3,
      bytes: expect.any(Number),
      attemptsMade: 1,
      failedReason: expect.stringContaining('foreign key'),
      queuedAt: ISO,
      failedAt: ISO,
    });
    expect(byRequest('req-b')).toMatchObject({ id: String(b.id), points: 2, attemptsMade: 1 });
    // A list, not a dump: no point of any payload.
    expect(listed.stdout).not.toContain(imeiA);

    const shown = await cli('jobs:failed', '--queue', 'telemetry', '--id', String(a.id), '--json');
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toEqual({
      ...byRequest('req-a'),
      imeis: 1,
      from: '2026-04-04T10:00:00',
      to: '2026-04-04T10:00:02',
      stacktrace: [expect.stringMatching(/foreign key[\s\S]*\n\s+at /)],
    });
    expect(shown.stdout).not.toContain(imeiA);

    // The cause goes away: the tenant is restored.
    await testApp.dataSource.query(
      `INSERT INTO tenants (id, slug, name, account_sid, auth_token_hash)
       VALUES ($1, $2, 'Restored Fleet', $3, '\\x00')`,
      [tenantId, `t-${randomBytes(5).toString('hex')}`, `AC${randomBytes(16).toString('hex')}`],
    );

    const one = await cli('jobs:retry', '--queue', 'telemetry', '--id', String(a.id), '--json');
    expect({ code: one.code, json: JSON.parse(one.stdout) as unknown }).toEqual({
      code: 0,
      json: { queue: 'telemetry', retried: 1 },
    });
    expect(
      await waitFor(
        () => positions(tenantId, imeiA),
        (count) => count === 3,
      ),
    ).toBe(3);
    expect(await positions(tenantId, imeiB)).toBe(0);

    const all = await cli('jobs:retry', '--queue', 'telemetry', '--all');
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('1 failed job of the telemetry queue moved back to waiting');
    expect(
      await waitFor(
        () => positions(tenantId, imeiB),
        (count) => count === 2,
      ),
    ).toBe(2);
    expect(await queue.getFailedCount()).toBe(0);
  });

  it('lists in text, and takes no job itself: a waiting job stays for the servers', async () => {
    const failed = await queue.add(
      INGEST_JOB,
      {
        tenantId: randomUUID(),
        requestId: 'req-text',
        receivedAt: new Date().toISOString(),
        points: JSON.stringify(examplePoints(randomImei())),
      },
      { ...DURABLE_JOB_OPTIONS, attempts: 1 },
    );
    await waitFor(() => failed.isFailed(), Boolean);

    // The app's own worker takes no new job while paused here (locally): what waits, waits.
    await queue.pause(true);
    try {
      const tenant = await createTenant(testApp);
      await testApp.http
        .post('/apidev/v1/telemetry')
        .set(apiHeaders(tenant, await issueToken(testApp, tenant)))
        .send(examplePoints(randomImei()))
        .expect(200);
      expect(await queue.getWaitingCount()).toBe(1);

      const listed = await cli('jobs:failed');
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(
        /^Failed jobs: telemetry 1, northbound 0, wireless-sim-status 0 /,
      );
      expect(listed.stdout).toContain(`telemetry #${failed.id}`);
      expect(listed.stdout).toContain('request req-text');
      expect(listed.stdout).toContain('2 points');
      expect(listed.stdout).toContain('foreign key');
      expect(await queue.getWaitingCount()).toBe(1);
    } finally {
      await queue.resume(true);
    }
    await failed.remove();
  });

  it("shows a Sim's change that failed: which Sim, and what it was to complete", async () => {
    const sims = testApp.app.get<Queue<CompleteSimChangeJob>>(getQueueToken(SIM_STATUS_QUEUE), {
      strict: false,
    });
    const simSid = `DE${randomBytes(16).toString('hex')}`;
    // No tenant has an id like that: PostgreSQL refuses the job's query.
    const failed = await sims.add(
      COMPLETE_CHANGE_JOB,
      {
        tenantId: 'not-a-uuid',
        requestId: 'req-sim',
        simSid,
        change: { kind: 'status', status: 'ready' },
      },
      { ...DURABLE_JOB_OPTIONS, attempts: 1 },
    );
    await waitFor(() => failed.isFailed(), Boolean);

    const listed = await cli('jobs:failed', '--queue', SIM_STATUS_QUEUE, '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({
      failed: { [SIM_STATUS_QUEUE]: 1 },
      jobs: [
        {
          queue: SIM_STATUS_QUEUE,
          id: String(failed.id),
          requestId: 'req-sim',
          simSid,
          change: 'status ready',
          failedReason: expect.stringContaining('uuid') as string,
        },
      ],
    });
    const text = await cli('jobs:failed', '--queue', SIM_STATUS_QUEUE);
    expect(text.stdout).toContain(`Sim ${simSid}: status ready`);
    await failed.remove();
  });

  it('refuses bad options, and a job that is not in the failed set, with a message', async () => {
    const run = (command: string, options: Record<string, string | boolean>) =>
      COMMANDS[command].run(testApp.app, options);
    await expect(run('jobs:retry', { queue: 'telemetry' })).rejects.toThrow(
      'Give one of --id and --all',
    );
    await expect(run('jobs:retry', { queue: 'telemetry', id: '1', all: true })).rejects.toThrow(
      'Give one of --id and --all',
    );
    await expect(run('jobs:retry', { all: true })).rejects.toThrow('--queue is required');
    await expect(run('jobs:failed', { queue: 'positions' })).rejects.toThrow(
      '--queue must be one of telemetry, northbound, wireless-sim-status (got "positions")',
    );
    await expect(run('jobs:failed', { limit: '0' })).rejects.toThrow(
      '--limit must be a whole number of at least 1',
    );
    await expect(run('jobs:failed', { id: '1' })).rejects.toThrow('--queue is required');
    await expect(run('jobs:retry', { queue: 'northbound', id: '424242' })).rejects.toThrow(
      'No failed job 424242 in the northbound queue',
    );
  });
});

describe('jobs commands without REDIS_URL', () => {
  let database: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('say that the embedded mode has no job queue, and exit 1', async () => {
    const result = await runCli(['jobs:failed'], { DATABASE_URL: database.url });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'error: REDIS_URL is not set: without Redis (the embedded mode) there is no job queue',
    );
  });
});

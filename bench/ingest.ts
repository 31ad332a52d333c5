/**
 * npm run bench:ingest — the telemetry ingestion path, measured against baselines in the same run:
 *   1. HTTP: accepted points/s and latency of POST /apidev/v1/telemetry (ROLE=api, Redis queue)
 *      next to a bare node:http server that reads, parses and answers the same requests (≥ 0.25),
 *      and, for reference, a NestJS app that does only that, then only that and one Bull add;
 *      the same with the telemetry token buckets switched off (buckets on ≥ 0.9 of off), and the
 *      cost of one bucket decision (the Redis script for a user and 10 IMEIs), p50/p99 in µs;
 *   2. worker: rows/s one worker process moves from the queue into PostgreSQL next to a COPY of
 *      the same number of rows into an identical table (≥ 0.5);
 *   3. freshness: time from the 200 to the point being readable, at half the maximum rate (p99 < 1 s).
 * Needs PostgreSQL (BENCH_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres) and
 * Redis (REDIS_URL, default redis://127.0.0.1:6379). Run `npm run build` first (the script does).
 */
import Redis from 'ioredis';
import { deepStrictEqual } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Client, Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { TenantCredentials } from '../src/auth/tenants.service';
import { RedisBucketStore } from '../src/rate-limit/redis-bucket.store';
import { REDIS_URL, authHeaders, recreateDatabase } from './support/fleethub';
import { load, type LoadResult } from './support/load';
import { describeMachine } from './support/machine';
import {
  cliJson,
  freePort,
  startApi,
  startFleetHub,
  startNode,
  waitForHttp,
} from './support/processes';
import { TelemetryQueue, dropKeys } from './support/queue';
import { fmt, summary, verdict } from './support/stats';
import { BatchFactory } from './support/telemetry-batches';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const BATCH = 100;
const ROUNDS = 3;

type Throughput = Pick<LoadResult, 'seconds' | 'pointsPerSecond' | 'p50' | 'p99' | 'ok' | 'failed'>;

/** Several turns of one load as one: throughput over their total time, the worst percentiles. */
function combine(runs: Throughput[]): Throughput {
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
  const ok = runs.reduce((sum, run) => sum + run.ok, 0);
  return {
    seconds,
    pointsPerSecond: (ok * BATCH) / seconds,
    p50: Math.max(...runs.map((run) => run.p50)),
    p99: Math.max(...runs.map((run) => run.p99)),
    ok,
    failed: runs.reduce((sum, run) => sum + run.failed, 0),
  };
}

/** The fast body writer of the load generator says exactly what the points say. */
function assertBodiesMatchPoints(): void {
  const written = new BatchFactory();
  written.body(BATCH);
  const built = new BatchFactory();
  built.points(BATCH);
  deepStrictEqual(JSON.parse(written.body(BATCH)), built.points(BATCH));
}

async function countRows(pool: Pool, table = 'positions'): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(rows[0].n);
}

/**
 * Waits for the worker to drain the queue (at least `expected` rows, then no change for a second);
 * rows/s measured from the first row it writes to the last.
 */
async function drain(
  pool: Pool,
  expected: number,
): Promise<{ rowsPerSecond: number; rows: number }> {
  let first: { at: number; rows: number } | undefined;
  let last = { at: Date.now(), rows: await countRows(pool) };
  const deadline = Date.now() + 600_000;
  while ((last.rows < expected || Date.now() - last.at < 1000) && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 50));
    const rows = await countRows(pool);
    if (!first && rows > 0) first = { at: Date.now(), rows };
    if (rows !== last.rows) last = { at: Date.now(), rows };
  }
  if (!first || last.rows <= first.rows) throw new Error('the worker wrote nothing measurable');
  return {
    rowsPerSecond: ((last.rows - first.rows) * 1000) / (last.at - first.at),
    rows: last.rows,
  };
}

/**
 * The same rows, by COPY, into a table shaped like `positions`: same keys and indexes, and the
 * same monthly partitions.
 */
async function copyBaseline(url: string, rows: number): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query(
    'CREATE TABLE positions_copy (LIKE positions INCLUDING ALL) PARTITION BY RANGE (recorded_at)',
  );
  const { rows: partitions } = await client.query<{ name: string; bound: string }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
     FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'positions'::regclass`,
  );
  for (const { name, bound } of partitions) {
    await client.query(`CREATE TABLE ${name}_copy PARTITION OF positions_copy ${bound}`);
  }
  const { rows: devices } = await client.query<{ id: string; tenant_id: string }>(
    'SELECT id, tenant_id FROM devices ORDER BY id',
  );
  const factory = new BatchFactory();
  const lines: string[] = [];
  for (let batch = 0; lines.length < rows; batch++) {
    for (const [i, p] of factory.points(BATCH).entries()) {
      const device = devices[(batch * BATCH + i) % devices.length];
      lines.push(
        [
          device.id,
          `${String(p.datetime)}Z`,
          p.eventcode,
          device.tenant_id,
          new Date().toISOString(),
          'telemetry',
          p.fix,
          p.latitude,
          p.longitude,
          p.altitude,
          p.speed,
          p.heading,
          p.satellites,
          p.ignition,
          p.accuracy,
          p.odometer,
          '\\N',
          '\\N',
          '\\N',
          '\\N',
          '\\N',
        ].join('\t'),
      );
    }
  }
  const started = process.hrtime.bigint();
  await pipeline(
    Readable.from(lines.slice(0, rows).map((line) => `${line}\n`)),
    client.query(
      copyFrom(
        'COPY positions_copy (device_id, recorded_at, eventcode, tenant_id, received_at, source, fix, lat, lon, ' +
          'altitude, speed, heading, satellites, ignition, accuracy, odometer, horometer, address, temperature, ' +
          'battery, extra) FROM STDIN',
      ),
    ),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await client.end();
  return rows / seconds;
}

/** Paced batches at `pointsPerSecond`; for each, the time from its 200 until its last point is readable. */
async function freshness(
  baseUrl: string,
  headers: Record<string, string>,
  pool: Pool,
  tenantId: string,
  pointsPerSecond: number,
  seconds: number,
): Promise<{ p50: number; p99: number; n: number; failed: number }> {
  const factory = new BatchFactory(10_000, 10);
  // Start after the rows already written: new datetimes, so "readable" means this batch's row.
  for (let i = 0; i < 100_000; i++) factory.points(0);
  const pending = new Map<string, number>();
  const latencies: number[] = [];
  let failed = 0;
  const intervalMs = (1000 * BATCH) / pointsPerSecond;
  const sends: Promise<void>[] = [];
  const stopAt = Date.now() + seconds * 1000;
  let polling = true;
  const poller = (async () => {
    while (polling || pending.size > 0) {
      if (pending.size > 0) {
        const keys = [...pending.keys()].map((key) => key.split('|'));
        // Served by the (tenant, external_id) and (device, recorded_at, eventcode) keys.
        const { rows } = await pool.query<{ key: string }>(
          `SELECT k.imei || '|' || k.at AS key
           FROM unnest($1::text[], $2::text[]) AS k(imei, at)
           JOIN devices d ON d.tenant_id = $3 AND d.external_id = k.imei
           JOIN positions p ON p.device_id = d.id AND p.recorded_at = (k.at || 'Z')::timestamptz
             AND p.eventcode = '101'`,
          [keys.map(([imei]) => imei), keys.map(([, at]) => at), tenantId],
        );
        const now = performance.now();
        for (const { key } of rows) {
          latencies.push(now - (pending.get(key) ?? now));
          pending.delete(key);
        }
      }
      await new Promise((done) => setTimeout(done, 10));
    }
  })();
  for (let next = Date.now(); next < stopAt; next += intervalMs) {
    await new Promise((done) => setTimeout(done, Math.max(0, next - Date.now())));
    const points = factory.points(BATCH);
    const last = points[points.length - 1];
    sends.push(
      fetch(`${baseUrl}/apidev/v1/telemetry`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(points),
      }).then(async (response) => {
        await response.arrayBuffer();
        if (response.status === 200)
          pending.set(`${String(last.imei)}|${String(last.datetime)}`, performance.now());
        else failed++;
      }),
    );
  }
  await Promise.all(sends);
  polling = false;
  await poller;
  return { ...summary(latencies), failed };
}

/**
 * The cost of one bucket decision as the API pays it: the token-bucket script on Redis for one
 * user and the 10 IMEIs of a bench batch, one call at a time, timed in this process.
 */
async function bucketDecisionCost(calls: number): Promise<{ p50: number; p99: number }> {
  const redis = new Redis(REDIS_URL);
  const store = new RedisBucketStore(redis);
  const tag = `fleethub-bench-${randomBytes(3).toString('hex')}:rl:{bench}`;
  const limits = { capacity: 1e9, refillPerSecond: 1e9 };
  const charges = [
    { key: `${tag}:user:1`, ...limits, cost: 5 },
    ...Array.from({ length: 10 }, (_, i) => ({ key: `${tag}:imei:${i}`, ...limits, cost: 1 })),
  ];
  const micros: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = process.hrtime.bigint();
    await store.take(charges);
    micros.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  await redis.del(charges.map((charge) => charge.key));
  await redis.quit();
  const { p50, p99 } = summary(micros.slice(calls / 10)); // the first tenth warms up
  return { p50, p99 };
}

async function main(): Promise<void> {
  console.log(`FleetHub ingest benchmark — ${describeMachine()}`);
  assertBodiesMatchPoints();
  const url = await recreateDatabase('fleethub_bench');
  const env = {
    DATABASE_URL: url,
    REDIS_URL,
    QUEUE_PREFIX: `fleethub-bench-${randomBytes(3).toString('hex')}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // The benchmark measures ingestion, not refusals: the buckets are on, but too large to refuse.
    RATE_LIMIT_GLOBAL_CAPACITY: '100000000',
    RATE_LIMIT_GLOBAL_REFILL: '100000000',
    RATE_LIMIT_IMEI_CAPACITY: '100000000',
    RATE_LIMIT_IMEI_REFILL: '100000000',
  };
  const tenant = await cliJson<TenantCredentials>(['tenant:create', '--name', 'Bench'], env);
  const pool = new Pool({ connectionString: url, max: 2 });
  // 1. Servers side by side: FleetHub as configured (API role: its jobs accumulate in Redis for
  // step 2), FleetHub with the buckets off (a queue of its own, dropped afterwards), the bare
  // node:http baseline, and the two NestJS floors (the second on a queue of its own). They take
  // turns, ROUNDS times, so that whatever else the machine is doing weighs on all alike.
  const offPrefix = `${env.QUEUE_PREFIX}-off`;
  const floorPrefix = `${env.QUEUE_PREFIX}-floor`;
  const script = async (name: string, args: string[] = []) => {
    const port = await freePort();
    const server = startNode(
      ['-r', 'ts-node/register/transpile-only', resolve(__dirname, name), String(port), ...args],
      {},
    );
    return { server, url: `http://127.0.0.1:${port}/` };
  };
  const [bare, nestFloor, bullFloor] = await Promise.all([
    script('bare-server.ts'),
    script('nest-floor-server.ts'),
    script('nest-floor-server.ts', [REDIS_URL, floorPrefix]),
  ]);
  const [api, apiOff] = await Promise.all([
    startApi(env),
    startApi({ ...env, QUEUE_PREFIX: offPrefix, RATE_LIMIT_TELEMETRY_ENABLED: 'false' }),
    ...[bare, nestFloor, bullFloor].map(({ url }) => waitForHttp(url).catch(() => undefined)),
  ]);
  const headers = await authHeaders(api.baseUrl, tenant);
  const targets = {
    fleethub: {
      url: `${api.baseUrl}/apidev/v1/telemetry`,
      factory: new BatchFactory(),
      runs: [] as Throughput[],
    },
    bucketsOff: {
      url: `${apiOff.baseUrl}/apidev/v1/telemetry`,
      factory: new BatchFactory(),
      runs: [] as Throughput[],
    },
    bare: { url: bare.url, factory: new BatchFactory(), runs: [] as Throughput[] },
    nestFloor: { url: nestFloor.url, factory: new BatchFactory(), runs: [] as Throughput[] },
    bullFloor: { url: bullFloor.url, factory: new BatchFactory(), runs: [] as Throughput[] },
  };
  const run = (target: { url: string; factory: BatchFactory }, seconds: number) =>
    load({
      urls: [target.url],
      headers,
      factory: target.factory,
      seconds,
      connections: CONNECTIONS,
      batchSize: BATCH,
    });
  // Warm-ups; FleetHub's jobs count too (they are in the queue step 2 drains).
  const warm = await run(targets.fleethub, 3);
  await run(targets.bucketsOff, 3);
  await run(targets.bare, 3);
  await run(targets.nestFloor, 3);
  await run(targets.bullFloor, 3);
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of Object.values(targets)) {
      target.runs.push(await run(target, DURATION_S / ROUNDS));
    }
  }
  await Promise.all([apiOff.stop(), ...[bare, nestFloor, bullFloor].map((s) => s.server.stop())]);
  await Promise.all([dropKeys(offPrefix), dropKeys(floorPrefix)]);
  const fleethub = combine(targets.fleethub.runs);
  const bucketsOff = combine(targets.bucketsOff.runs);
  const baseline = combine(targets.bare.runs);
  const floors = {
    nest: combine(targets.nestFloor.runs),
    bull: combine(targets.bullFloor.runs),
  };
  const decision = await bucketDecisionCost(5000);

  const httpRatio = fleethub.pointsPerSecond / baseline.pointsPerSecond;
  const bucketRatio = fleethub.pointsPerSecond / bucketsOff.pointsPerSecond;
  const line = (name: string, result: Throughput) =>
    `   ${name.padEnd(22)} ${fmt(result.pointsPerSecond).padStart(8)} points/s  p50 ${fmt(result.p50, 1)} ms  p99 ${fmt(result.p99, 1)} ms  (non-2xx/errors: ${result.failed})`;
  console.log(
    '\n1. HTTP ingest (100-point batches, %d connections, %d s each in %d turns)',
    CONNECTIONS,
    DURATION_S,
    ROUNDS,
  );
  console.log(line('FleetHub', fleethub));
  console.log(line('FleetHub, buckets off', bucketsOff));
  console.log(line('bare node:http', baseline));
  console.log(
    `   FleetHub / bare       ${fmt(httpRatio, 2)} (target ≥ 0.25) ${verdict(httpRatio >= 0.25 && fleethub.failed === 0)}`,
  );
  const ofBare = (result: Throughput) =>
    `${fmt(result.pointsPerSecond / baseline.pointsPerSecond, 2)} of bare`;
  console.log('   floors (a NestJS app that only parses and answers; and adds one Bull job):');
  console.log(`${line('NestJS floor', floors.nest)}  ${ofBare(floors.nest)}`);
  console.log(`${line('NestJS + Bull floor', floors.bull)}  ${ofBare(floors.bull)}`);
  console.log(
    `   buckets on / off      ${fmt(bucketRatio, 2)} (target ≥ 0.9) ${verdict(bucketRatio >= 0.9 && bucketsOff.failed === 0)}`,
  );
  console.log(
    `   bucket decision (Redis script, 1 user + 10 IMEIs): p50 ${fmt(decision.p50)} µs  p99 ${fmt(decision.p99)} µs`,
  );

  // 2. Worker: drain what step 1 queued, vs COPY of as many rows.
  // Every job in the queue was answered 200 (the generator may stop counting answers still in
  // flight when its time is up), so the queue, not the count of 200s, says what must be stored.
  const queue = new TelemetryQueue(env.QUEUE_PREFIX);
  const expected = (await queue.unwritten()) * BATCH;
  await queue.close();
  const worker = startFleetHub({ ...env, ROLE: 'worker' });
  const drained = await drain(pool, expected);
  const copyRate = await copyBaseline(url, Math.min(drained.rows, 300_000));
  const workerRatio = drained.rowsPerSecond / copyRate;
  console.log(`\n2. Worker (1 process, WORKER_CONCURRENCY default): ${fmt(expected)} queued rows`);
  console.log(
    `   worker ${fmt(drained.rowsPerSecond)} rows/s (${fmt(drained.rows)} rows stored of ${fmt(expected)} queued; ${fmt((warm.ok + fleethub.ok) * BATCH)} counted as 200 by the generator)`,
  );
  console.log(`   COPY   ${fmt(copyRate)} rows/s`);
  console.log(
    `   ratio ${fmt(workerRatio, 2)} (target ≥ 0.5) ${verdict(workerRatio >= 0.5 && drained.rows === expected)}`,
  );

  // 3. Freshness at half the maximum end-to-end rate.
  const rate = Math.max(BATCH, 0.5 * Math.min(fleethub.pointsPerSecond, drained.rowsPerSecond));
  const { rows: tenantRows } = await pool.query<{ id: string }>('SELECT id FROM tenants');
  const fresh = await freshness(api.baseUrl, headers, pool, tenantRows[0].id, rate, DURATION_S);
  console.log(`\n3. 200 → readable at ${fmt(rate)} points/s (half the max), ${fresh.n} batches`);
  console.log(
    `   p50 ${fmt(fresh.p50, 1)} ms  p99 ${fmt(fresh.p99, 1)} ms (target p99 < 1000 ms) ${verdict(fresh.p99 < 1000 && fresh.failed === 0)}`,
  );

  await Promise.all([api.stop(), worker.stop()]);
  await pool.end();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * npm run bench:ingest — the telemetry ingestion path, each figure judged against a baseline or a
 * floor measured in the same run on the same machine (the targets: support/targets.ts):
 *   1. HTTP: accepted points/s and latency of POST /apidev/v1/telemetry (ROLE=api, Redis queue),
 *      100-point batches, ÷ the "NestJS + one Bull add" floor serving the same requests (≥ 0.8);
 *      the required-work floor, that floor plus only the work the telemetry contract makes
 *      unavoidable (cached credentials, the two token buckets, compiled validation; see
 *      nest-floor-server.ts), ÷ the first floor, and FleetHub ÷ it; for context a bare node:http
 *      server and a NestJS app that only parse and answer, the API with the telemetry token
 *      buckets off (its earlier target: on ≥ 0.9 of off), and the cost of one bucket decision
 *      (the Redis script for a user and 10 IMEIs), p50/p99 in µs;
 *   2. small batches: requests/s of 1-point and of 10-point batches, ÷ the same floor (≥ 0.7);
 *      the required-work floor's too, and FleetHub ÷ it;
 *   3. worker: positions/s one worker process moves from the queue (what step 1 queued) into
 *      PostgreSQL, with its devices' latest state and its events (≥ 100,000), ÷ a same-work SQL
 *      baseline (≥ 0.6): plain `pg` storing the same batches in transactions of the worker's
 *      mean size, on a database of its own migrated as FleetHub's (support/sql-baseline.ts),
 *      whose resulting counts and contents must match the worker's; COPY alone for context; and
 *      for context the Bull consume + parse floor (bull-consume-floor.ts: jobs of the worker's
 *      shape taken at its concurrency, points parsed, no database), rows/s and CPU µs per row,
 *      beside the CPU µs per row of the worker process and of PostgreSQL's during its drain;
 *   4. freshness: time from the 200 to the point being readable, at half the maximum rate (p99 < 1 s);
 *   5. end to end, 1 API + 1 worker as `bench:scale` runs them (support/cluster.ts): points/s from
 *      the first request until the last point is readable (≥ 45,000);
 * then one summary table of the targets, the machine and its load average. The machine is
 * shared: for each measurement it also prints the CPU that processes other than its own took,
 * and warns when that exceeds a tenth of the machine.
 *
 * BENCH_DURATION (seconds of measured HTTP load per server, in 3 turns; default 10), BENCH_WARMUP
 * (3), BENCH_CONNECTIONS (32), BENCH_FRESHNESS_DURATION (10), BENCH_E2E_DURATION (20) and
 * BENCH_CONSUME_JOBS (jobs of the Bull consume floor, 4,000) size a run (about 5 minutes with the
 * defaults); BENCH_SQL_BATCHES fixes the baseline's batches per transaction. Needs PostgreSQL
 * (BENCH_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres) and Redis (REDIS_URL,
 * default redis://127.0.0.1:6379); databases and queue prefixes of its own, dropped at the end. Run
 * `npm run build` first (the script does). Exits non-zero when something crashes or the worker
 * and its baseline did not store the same; a FAIL is a figure, not an error.
 */
import Redis from 'ioredis';
import { deepStrictEqual } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Pool } from 'pg';
import type { TenantCredentials } from '../src/auth/tenants.service';
import { EnvironmentVariables } from '../src/config/environment';
import { RedisBucketStore } from '../src/rate-limit/redis-bucket.store';
import { measure, redisPid, startCluster, stopCluster, type Round } from './support/cluster';
import { REDIS_URL, authHeaders, dropDatabase, recreateDatabase } from './support/fleethub';
import { load, type LoadResult } from './support/load';
import {
  cpuSnapshot,
  cpuUse,
  describeLoad,
  describeMachine,
  localPid,
  othersDuring,
  type CpuSnapshot,
} from './support/machine';
import {
  cliJson,
  exitOf,
  freePort,
  startApi,
  startFleetHub,
  startNode,
  waitForHttp,
  type NodeOptions,
  type Service,
} from './support/processes';
import { TelemetryQueue, dropKeys } from './support/queue';
import {
  runSqlBaseline,
  workerOutput,
  type BaselineResult,
  type Contents,
  type WorkerOutput,
} from './support/sql-baseline';
import { fmt, printTable, summary, verdict } from './support/stats';
import { TARGETS, endToEndPasses } from './support/targets';
import { BatchFactory } from './support/telemetry-batches';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP_S = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const FRESHNESS_S = Number(process.env.BENCH_FRESHNESS_DURATION ?? 10);
const E2E_S = Number(process.env.BENCH_E2E_DURATION ?? 20);
const SQL_BATCHES = process.env.BENCH_SQL_BATCHES;
const CONSUME_JOBS = Number(process.env.BENCH_CONSUME_JOBS ?? 4000);
const WORKER_DEFAULTS = new EnvironmentVariables();
/** The worker's writers, as its configuration sets them: the baseline's connections. */
const WORKER_WRITERS = Number(process.env.WORKER_WRITERS ?? WORKER_DEFAULTS.WORKER_WRITERS);
/** The worker's concurrency, as its configuration sets it: the Bull consume floor's. */
const WORKER_CONCURRENCY = Number(
  process.env.WORKER_CONCURRENCY ?? WORKER_DEFAULTS.WORKER_CONCURRENCY,
);
/** CPU others may take during a measurement before the report warns of it: 10 % of the machine. */
const OTHERS_TOLERATED = 10 * cpus().length;
const BATCH = 100;
const SMALL_BATCHES = [1, 10];
const ROUNDS = 3;

interface Throughput {
  seconds: number;
  requestsPerSecond: number;
  pointsPerSecond: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
}

/** Several turns of one load as one: throughput over their total time, the worst percentiles. */
function combine(runs: LoadResult[], batchSize: number): Throughput {
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
  const ok = runs.reduce((sum, run) => sum + run.ok, 0);
  return {
    seconds,
    requestsPerSecond: ok / seconds,
    pointsPerSecond: (ok * batchSize) / seconds,
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

async function countRows(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM positions');
  return Number(rows[0].n);
}

/**
 * The PostgreSQL processes that work for the worker: the backends of its database's connections
 * (those of the pool that asks being idle but for two counts) and the server's WAL writer,
 * checkpointer and background writer, which its commits keep busy.
 */
async function postgresPids(pool: Pool): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity
     WHERE (datname = current_database() AND pid <> pg_backend_pid())
       OR backend_type IN ('walwriter', 'checkpointer', 'background writer')`,
  );
  return rows.flatMap(({ pid }) => localPid(pid, 'postgres') ?? []);
}

/**
 * Waits for the worker to empty the queue (a job leaves it once its rows are committed); rows/s
 * from its first commit to its last, and meanwhile the CPU per row of the worker process and of
 * the PostgreSQL processes working for it. The queue is watched in Redis, not by counting rows,
 * which would compete with the worker for PostgreSQL: rows are counted once when the first job is
 * done (few by then) and once at the end.
 */
async function drain(
  queue: TelemetryQueue,
  pool: Pool,
  workerPid: number,
): Promise<{
  rowsPerSecond: number;
  rows: number;
  cpuMicrosPerRow: number;
  postgresCpuMicrosPerRow: number;
}> {
  const jobs = await queue.unwritten();
  let first: { rows: number; postgres: number[]; cpu: CpuSnapshot } | undefined;
  const deadline = performance.now() + 600_000;
  for (;;) {
    const left = await queue.unwritten();
    const at = performance.now();
    if (left === 0) {
      const rows = await countRows(pool);
      if (!first || rows <= first.rows) throw new Error('the worker wrote nothing measurable');
      // Backends that connected meanwhile count whole; one that closed meanwhile (an idle pool
      // connection) is left out.
      const postgres = [...new Set([...first.postgres, ...(await postgresPids(pool))])];
      const to = cpuSnapshot([workerPid, ...postgres]);
      const use = cpuUse(first.cpu, to);
      const cpuSeconds = (to.at - first.cpu.at) / 1000;
      const microsPerRow = (percent: number) => (percent * 1e4 * cpuSeconds) / (rows - first!.rows);
      return {
        rowsPerSecond: ((rows - first.rows) * 1000) / (at - first.cpu.at),
        rows,
        cpuMicrosPerRow: microsPerRow(use.of([workerPid])),
        postgresCpuMicrosPerRow: microsPerRow(use.of(postgres)),
      };
    }
    if (!first && left < jobs) {
      const postgres = await postgresPids(pool);
      first = {
        rows: await countRows(pool),
        postgres,
        cpu: cpuSnapshot([workerPid, ...postgres]),
      };
    }
    if (at > deadline) throw new Error(`the worker left ${left} jobs of ${jobs} in 10 minutes`);
    await delay(20);
  }
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
      await delay(10);
    }
  })();
  for (let next = Date.now(); next < stopAt; next += intervalMs) {
    await delay(Math.max(0, next - Date.now()));
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

/** A script of this directory in a node process of its own, run from its TypeScript. */
function startScript(name: string, args: string[], options?: NodeOptions): Service {
  return startNode(
    ['-r', 'ts-node/register/transpile-only', resolve(__dirname, name), ...args],
    {},
    options,
  );
}

interface ConsumeFloor {
  jobs: number;
  rowsPerSecond: number;
  cpuMicrosPerRow: number;
}

/** bull-consume-floor.ts on a queue prefix of its own, at the worker's concurrency: its report. */
async function bullConsumeFloor(prefix: string, services: Service[]): Promise<ConsumeFloor> {
  const floor = startScript(
    'bull-consume-floor.ts',
    [REDIS_URL, prefix, String(CONSUME_JOBS), String(WORKER_CONCURRENCY)],
    { stdout: 'pipe' },
  );
  services.push(floor);
  let output = '';
  floor.process.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await exitOf(floor.process);
  if (code !== 0) throw new Error(`bull-consume-floor.ts exited with ${code}`);
  return JSON.parse(output) as ConsumeFloor;
}

function warnOthers(): void {
  console.log(
    '   (!) other processes took more than a tenth of the machine: the figures compare less well; ' +
      'rerun on a quieter machine',
  );
}

/** PostgreSQL's and Redis's versions, for the record of where the figures come from. */
async function serverVersions(pool: Pool): Promise<string> {
  const { rows } = await pool.query<{ server_version: string }>('SHOW server_version');
  const redis = new Redis(REDIS_URL);
  const info = await redis.info('server');
  await redis.quit();
  const redisVersion = /^redis_version:(\S+)/m.exec(info)?.[1] ?? '?';
  return `PostgreSQL ${rows[0].server_version.split(' ')[0]}, Redis ${redisVersion}`;
}

/** Where the worker and its baseline stored different things: nothing, when they did the same. */
function differences(worker: Contents, baseline: Contents): string[] {
  return (Object.keys(worker) as (keyof Contents)[])
    .filter((key) => worker[key] !== baseline[key])
    .map((key) => `${key}: worker ${worker[key]}, baseline ${baseline[key]}`);
}

/** Each target's judgement, also requiring that nothing was refused or lost on the way. */
const passes = {
  http: (http: Results['http']) =>
    http.fleethub.pointsPerSecond / http.bullFloor.pointsPerSecond >= TARGETS.httpOfFloor &&
    http.fleethub.failed === 0,
  small: ({ fleethub, bullFloor }: Results['small'][number]) =>
    fleethub.requestsPerSecond / bullFloor.requestsPerSecond >= TARGETS.smallBatchesOfFloor &&
    fleethub.failed === 0,
  worker: (worker: Results['worker'], sql: BaselineResult) =>
    worker.rowsPerSecond >= TARGETS.workerRowsPerSecond &&
    worker.rowsPerSecond / sql.rowsPerSecond >= TARGETS.workerOfSql &&
    worker.rows >= worker.acknowledged &&
    differences(worker.output.contents, sql.contents).length === 0,
  fresh: (fresh: Results['fresh']) => fresh.p99 < TARGETS.freshnessP99Ms && fresh.failed === 0,
};

interface HttpTarget {
  url: string;
  batchSize: number;
  factory: BatchFactory;
  runs: LoadResult[];
}

interface Results {
  http: Record<
    'fleethub' | 'bucketsOff' | 'bare' | 'nestFloor' | 'bullFloor' | 'requiredFloor',
    Throughput
  >;
  small: {
    batchSize: number;
    fleethub: Throughput;
    bullFloor: Throughput;
    requiredFloor: Throughput;
  }[];
  worker: {
    rowsPerSecond: number;
    rows: number;
    /** The worker process's CPU (user and system) per row stored, during the drain, µs. */
    cpuMicrosPerRow: number;
    /** The same of the PostgreSQL processes working for it (see `postgresPids`). */
    postgresCpuMicrosPerRow: number;
    acknowledged: number;
    output: WorkerOutput;
    /** What other processes took of the CPU meanwhile, % of one core. */
    othersCpu: number;
  };
  sql: BaselineResult;
  fresh: { rate: number; p50: number; p99: number; n: number; failed: number };
  endToEnd: Round;
}

function printSummary(results: Results, machine: string): void {
  const { http, small, worker, sql, fresh, endToEnd } = results;
  const ratio = (a: number, b: number) => fmt(a / b, 2);
  const rows = [
    ['measurement (same run, same machine)', 'measured', 'target', ''],
    [
      'HTTP accepted points/s ÷ NestJS + one Bull add floor (100-point batches)',
      `${ratio(http.fleethub.pointsPerSecond, http.bullFloor.pointsPerSecond)} (${fmt(http.fleethub.pointsPerSecond)} / ${fmt(http.bullFloor.pointsPerSecond)})`,
      `≥ ${TARGETS.httpOfFloor}`,
      verdict(passes.http(http)),
    ],
    [
      'context: required-work floor ÷ NestJS + one Bull add floor (100-point batches)',
      `${ratio(http.requiredFloor.pointsPerSecond, http.bullFloor.pointsPerSecond)} (${fmt(http.requiredFloor.pointsPerSecond)} / ${fmt(http.bullFloor.pointsPerSecond)})`,
      '—',
      '',
    ],
    [
      'one worker, rows/s (positions + device latest state + events)',
      `${fmt(worker.rowsPerSecond)}, ${ratio(worker.rowsPerSecond, sql.rowsPerSecond)} of same-work SQL ${fmt(sql.rowsPerSecond)}`,
      `≥ ${fmt(TARGETS.workerRowsPerSecond)} and ≥ ${TARGETS.workerOfSql} of SQL`,
      verdict(passes.worker(worker, sql)),
    ],
    [
      'end to end, 1 API + 1 worker (as bench:scale), points/s durably readable',
      fmt(endToEnd.endToEnd),
      `≥ ${fmt(TARGETS.endToEndPointsPerSecond)}`,
      verdict(endToEndPasses(endToEnd)),
    ],
    ...small.map((batches) => [
      `small batches: ${batches.batchSize}-point requests/s ÷ floor`,
      `${ratio(batches.fleethub.requestsPerSecond, batches.bullFloor.requestsPerSecond)} (${fmt(batches.fleethub.requestsPerSecond)} / ${fmt(batches.bullFloor.requestsPerSecond)})`,
      `≥ ${TARGETS.smallBatchesOfFloor}`,
      verdict(passes.small(batches)),
    ]),
    [
      `200 → readable p99 at half the measured maximum (${fmt(fresh.rate)} points/s)`,
      `${fmt(fresh.p99, 1)} ms`,
      `< ${fmt(TARGETS.freshnessP99Ms)} ms`,
      verdict(passes.fresh(fresh)),
    ],
  ];
  console.log('\nSummary');
  printTable(rows);
  console.log(machine);
  console.log(`${describeLoad()} at the end`);
}

async function main(): Promise<void> {
  console.log(`FleetHub ingest benchmark — ${describeMachine()}; ${describeLoad()}`);
  assertBodiesMatchPoints();
  const tag = randomBytes(3).toString('hex');
  const databases = { worker: `fleethub_bench_${tag}`, sql: `fleethub_bench_${tag}_sql` };
  const env = {
    DATABASE_URL: await recreateDatabase(databases.worker),
    REDIS_URL,
    QUEUE_PREFIX: `fleethub-bench-${tag}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // The benchmark measures ingestion, not refusals: the buckets are on, but too large to refuse.
    RATE_LIMIT_GLOBAL_CAPACITY: '100000000',
    RATE_LIMIT_GLOBAL_REFILL: '100000000',
    RATE_LIMIT_IMEI_CAPACITY: '100000000',
    RATE_LIMIT_IMEI_REFILL: '100000000',
  };
  const offPrefix = `${env.QUEUE_PREFIX}-off`;
  const smallPrefix = `${env.QUEUE_PREFIX}-small`;
  const floorPrefix = `${env.QUEUE_PREFIX}-floor`;
  const requiredPrefix = `${env.QUEUE_PREFIX}-required`;
  const consumePrefix = `${env.QUEUE_PREFIX}-consume`;
  const services: Service[] = [];
  const pool = new Pool({ connectionString: env.DATABASE_URL, max: 2 });
  try {
    const tenant = await cliJson<TenantCredentials>(['tenant:create', '--name', 'Bench'], env);
    const results = await measureAll(env, tenant, pool, services, databases, {
      offPrefix,
      smallPrefix,
      floorPrefix,
      requiredPrefix,
      consumePrefix,
    });
    printSummary(results, `${describeMachine()}, ${await serverVersions(pool)}`);
    if (differences(results.worker.output.contents, results.sql.contents).length > 0) {
      process.exitCode = 1;
    }
  } finally {
    await Promise.all(services.map((service) => service.stop()));
    await pool.end();
    await Promise.all(
      [env.QUEUE_PREFIX, offPrefix, smallPrefix, floorPrefix, requiredPrefix, consumePrefix].map(
        (prefix) => dropKeys(prefix),
      ),
    );
    await Promise.all(Object.values(databases).map((name) => dropDatabase(name)));
  }
}

async function measureAll(
  env: Record<string, string>,
  tenant: TenantCredentials,
  pool: Pool,
  services: Service[],
  databases: { worker: string; sql: string },
  prefixes: Record<
    'offPrefix' | 'smallPrefix' | 'floorPrefix' | 'requiredPrefix' | 'consumePrefix',
    string
  >,
): Promise<Results> {
  const redis = await redisPid();
  // This benchmark's processes: itself, its servers, Redis, PostgreSQL's own and its backends.
  const ours = async () => {
    const { rows } = await pool.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = ANY($1) OR datname IS NULL',
      [Object.values(databases)],
    );
    return [
      process.pid,
      ...services.flatMap((service) => service.process.pid ?? []),
      ...(redis === undefined ? [] : [redis]),
      ...rows.flatMap(({ pid }) => localPid(pid, 'postgres') ?? []),
    ];
  };
  // 1-2. Servers side by side: FleetHub as configured (API role: its jobs accumulate in Redis for
  // step 3); FleetHub with the buckets off, and FleetHub for the small batches, each on a queue
  // of its own (step 3 drains 100-point batches only); the bare node:http server, and the three
  // NestJS floors (the second and the third, with the required work, each on a queue of its own).
  // They take turns, ROUNDS times, so that whatever else the machine is doing weighs on all alike.
  const script = async (name: string, args: string[] = []) => {
    const port = await freePort();
    services.push(startScript(name, [String(port), ...args]));
    return `http://127.0.0.1:${port}/`;
  };
  const [bare, nestFloor, bullFloor, requiredFloor] = await Promise.all([
    script('bare-server.ts'),
    script('nest-floor-server.ts'),
    script('nest-floor-server.ts', [REDIS_URL, prefixes.floorPrefix]),
    script('nest-floor-server.ts', [REDIS_URL, prefixes.requiredPrefix, 'required']),
  ]);
  const [api, apiOff, apiSmall] = await Promise.all([
    startApi(env),
    startApi({ ...env, QUEUE_PREFIX: prefixes.offPrefix, RATE_LIMIT_TELEMETRY_ENABLED: 'false' }),
    startApi({ ...env, QUEUE_PREFIX: prefixes.smallPrefix }),
    ...[bare, nestFloor, bullFloor, requiredFloor].map((url) => waitForHttp(url)),
  ]);
  services.push(api, apiOff, apiSmall);
  const headers = await authHeaders(api.baseUrl, tenant);
  const target = (url: string, batchSize = BATCH): HttpTarget => ({
    url,
    batchSize,
    factory: new BatchFactory(),
    runs: [],
  });
  const telemetry = (baseUrl: string) => `${baseUrl}/apidev/v1/telemetry`;
  const targets = {
    fleethub: target(telemetry(api.baseUrl)),
    bucketsOff: target(telemetry(apiOff.baseUrl)),
    bare: target(bare),
    nestFloor: target(nestFloor),
    bullFloor: target(bullFloor),
    requiredFloor: target(requiredFloor),
  };
  const smallTargets = SMALL_BATCHES.map((batchSize) => ({
    batchSize,
    fleethub: target(telemetry(apiSmall.baseUrl), batchSize),
    bullFloor: target(bullFloor, batchSize),
    requiredFloor: target(requiredFloor, batchSize),
  }));
  const all = [
    ...Object.values(targets),
    ...smallTargets.flatMap((small) => [small.fleethub, small.bullFloor, small.requiredFloor]),
  ];
  const run = (target: HttpTarget, seconds: number) =>
    load({
      urls: [target.url],
      headers,
      factory: target.factory,
      seconds,
      connections: CONNECTIONS,
      batchSize: target.batchSize,
    });
  // Warm-ups; FleetHub's jobs count too (they are in the queue step 3 drains).
  const warm = await run(targets.fleethub, WARMUP_S);
  for (const other of all.slice(1)) await run(other, WARMUP_S);
  const turns = await othersDuring(ours, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      for (const each of all) each.runs.push(await run(each, DURATION_S / ROUNDS));
    }
  });
  await Promise.all([apiOff, apiSmall].map((service) => service.stop()));
  const http = {
    fleethub: combine(targets.fleethub.runs, BATCH),
    bucketsOff: combine(targets.bucketsOff.runs, BATCH),
    bare: combine(targets.bare.runs, BATCH),
    nestFloor: combine(targets.nestFloor.runs, BATCH),
    bullFloor: combine(targets.bullFloor.runs, BATCH),
    requiredFloor: combine(targets.requiredFloor.runs, BATCH),
  };
  const small = smallTargets.map(({ batchSize, fleethub, bullFloor, requiredFloor }) => ({
    batchSize,
    fleethub: combine(fleethub.runs, batchSize),
    bullFloor: combine(bullFloor.runs, batchSize),
    requiredFloor: combine(requiredFloor.runs, batchSize),
  }));
  const decision = await bucketDecisionCost(5000);
  reportHttp(http, small, decision, turns.others);

  // 3. Worker: drain what step 1 queued; then the same batches by plain SQL.
  const queue = new TelemetryQueue(env.QUEUE_PREFIX);
  // As before each phase of the baseline (see there).
  await pool.query('CHECKPOINT');
  const worker = startFleetHub({ ...env, ROLE: 'worker' });
  services.push(worker);
  const { result: drained, others } = await othersDuring(ours, () =>
    drain(queue, pool, worker.process.pid ?? NaN),
  );
  await queue.close();
  const acknowledged = (warm.ok + http.fleethub.ok) * BATCH;
  const output = await workerOutput(pool, BATCH);
  const batchesPerTransaction = Math.max(
    1,
    Number(SQL_BATCHES ?? Math.round(output.batches.length / output.transactions)),
  );
  const sqlUrl = await recreateDatabase(databases.sql);
  await cliJson(['tenant:create', '--name', 'SQL baseline'], { ...env, DATABASE_URL: sqlUrl });
  const sql = await runSqlBaseline({
    workerDb: pool,
    baselineUrl: sqlUrl,
    batches: output.batches,
    batchSize: BATCH,
    batchesPerTransaction,
    connections: WORKER_WRITERS,
    ours,
  });
  const workerResult = { ...drained, acknowledged, output, othersCpu: others };
  // For context, with the machine as quiet as the baseline had it.
  const consumeFloor = await bullConsumeFloor(prefixes.consumePrefix, services);
  reportWorker(workerResult, sql, consumeFloor);

  // 4. Freshness at half the maximum end-to-end rate.
  const rate = Math.max(
    BATCH,
    0.5 * Math.min(http.fleethub.pointsPerSecond, drained.rowsPerSecond),
  );
  const { rows: tenantRows } = await pool.query<{ id: string }>('SELECT id FROM tenants');
  const fresh = {
    rate,
    ...(await freshness(api.baseUrl, headers, pool, tenantRows[0].id, rate, FRESHNESS_S)),
  };
  console.log(`\n4. 200 → readable at ${fmt(rate)} points/s (half the max), ${fresh.n} batches`);
  console.log(
    `   p50 ${fmt(fresh.p50, 1)} ms  p99 ${fmt(fresh.p99, 1)} ms (target p99 < ${fmt(TARGETS.freshnessP99Ms)} ms) ${verdict(passes.fresh(fresh))}`,
  );

  // 5. End to end, with nothing else of this benchmark running.
  await Promise.all(services.splice(0).map((service) => service.stop()));
  const cluster = await startCluster(1);
  let endToEnd: Round;
  try {
    endToEnd = await measure(cluster, {
      seconds: E2E_S,
      warmupSeconds: WARMUP_S,
      connections: CONNECTIONS,
    });
  } finally {
    await stopCluster(cluster);
  }
  console.log(
    `\n5. End to end, 1 API + 1 worker (as bench:scale), ${fmt(endToEnd.http.seconds, 1)} s of load`,
  );
  console.log(
    `   ${fmt(endToEnd.endToEnd)} points/s durably readable (HTTP ${fmt(endToEnd.http.pointsPerSecond)} points/s, ` +
      `p50 ${fmt(endToEnd.http.p50, 1)} ms p99 ${fmt(endToEnd.http.p99, 1)} ms; ${fmt(endToEnd.rows)} rows stored of ` +
      `${fmt(endToEnd.acknowledged)} acknowledged; workers caught up ${fmt(endToEnd.catchUpSeconds, 1)} s after the load) ` +
      `(target ≥ ${fmt(TARGETS.endToEndPointsPerSecond)}) ${verdict(endToEndPasses(endToEnd))}`,
  );
  const { load: during } = endToEnd.cpu;
  console.log(
    `   CPU during the load, % of one core: API ${fmt(during.apis[0])}, worker ${fmt(during.workers[0])}, ` +
      `PostgreSQL ${fmt(during.postgres ?? NaN)}, Redis ${fmt(during.redis ?? NaN)}, load generator ${fmt(during.generator)}, ` +
      `others ${fmt(during.rest)}; machine ${fmt(during.machine)} of ${fmt(during.capacity)}`,
  );
  if (during.rest > OTHERS_TOLERATED) warnOthers();
  return {
    http,
    small,
    worker: workerResult,
    sql,
    fresh,
    endToEnd,
  };
}

function reportHttp(
  http: Results['http'],
  small: Results['small'],
  decision: { p50: number; p99: number },
  othersCpu: number,
): void {
  const line = (name: string, result: Throughput) =>
    `   ${name.padEnd(24)} ${fmt(result.pointsPerSecond).padStart(8)} points/s ${fmt(result.requestsPerSecond).padStart(7)} requests/s  p50 ${fmt(result.p50, 1)} ms  p99 ${fmt(result.p99, 1)} ms  (non-2xx/errors: ${result.failed})`;
  const ofFloor = (result: Throughput, floor = http.bullFloor) =>
    `${fmt(result.pointsPerSecond / floor.pointsPerSecond, 2)} of the floor`;
  const ofRequired = (fleethub: Throughput, requiredFloor: Throughput) =>
    `   FleetHub / required-work floor  ${fmt(fleethub.pointsPerSecond / requiredFloor.pointsPerSecond, 2)}`;
  console.log(
    '\n1. HTTP ingest (100-point batches, %d connections, %d s each in %d turns)',
    CONNECTIONS,
    DURATION_S,
    ROUNDS,
  );
  console.log(line('NestJS + Bull floor', http.bullFloor));
  console.log(line('FleetHub', http.fleethub));
  console.log(
    `   FleetHub / floor         ${fmt(http.fleethub.pointsPerSecond / http.bullFloor.pointsPerSecond, 2)} (target ≥ ${TARGETS.httpOfFloor}) ${verdict(passes.http(http))}`,
  );
  console.log(
    '   that floor plus only the work the telemetry contract requires (cached credentials, the two token buckets, compiled validation):',
  );
  console.log(`${line('required-work floor', http.requiredFloor)}  ${ofFloor(http.requiredFloor)}`);
  console.log(ofRequired(http.fleethub, http.requiredFloor));
  console.log('   context (a bare node:http server and a NestJS app that only parse and answer):');
  console.log(`${line('bare node:http', http.bare)}  ${ofFloor(http.bare)}`);
  console.log(`${line('NestJS floor', http.nestFloor)}  ${ofFloor(http.nestFloor)}`);
  const bucketRatio = http.fleethub.pointsPerSecond / http.bucketsOff.pointsPerSecond;
  console.log(`${line('FleetHub, buckets off', http.bucketsOff)}  ${ofFloor(http.bucketsOff)}`);
  console.log(
    `   buckets on / off         ${fmt(bucketRatio, 2)} (earlier target ≥ 0.9) ${verdict(bucketRatio >= 0.9 && http.bucketsOff.failed === 0)}`,
  );
  console.log(
    `   bucket decision (Redis script, 1 user + 10 IMEIs): p50 ${fmt(decision.p50)} µs  p99 ${fmt(decision.p99)} µs`,
  );
  console.log(`   other processes took ${fmt(othersCpu)} % of one core during the turns`);
  if (othersCpu > OTHERS_TOLERATED) warnOthers();
  console.log(
    '\n2. Small batches (same connections and turns, FleetHub ÷ the NestJS + Bull floor)',
  );
  for (const batches of small) {
    const { batchSize, fleethub, bullFloor, requiredFloor } = batches;
    console.log(line(`floor, ${batchSize}-point`, bullFloor));
    console.log(
      `${line(`required-work, ${batchSize}-point`, requiredFloor)}  ${ofFloor(requiredFloor, bullFloor)}`,
    );
    console.log(line(`FleetHub, ${batchSize}-point`, fleethub));
    console.log(
      `   FleetHub / floor         ${fmt(fleethub.requestsPerSecond / bullFloor.requestsPerSecond, 2)} (target ≥ ${TARGETS.smallBatchesOfFloor}) ${verdict(passes.small(batches))}`,
    );
    console.log(ofRequired(fleethub, requiredFloor));
  }
}

function reportWorker(
  worker: Results['worker'],
  sql: BaselineResult,
  consumeFloor: ConsumeFloor,
): void {
  const { output } = worker;
  const pointsPerTransaction = (output.batches.length * BATCH) / output.transactions;
  console.log(
    `\n3. Worker (1 process, WORKER_CONCURRENCY and WORKER_WRITERS as configured): ${fmt(worker.rows)} rows`,
  );
  console.log(
    `   worker         ${fmt(worker.rowsPerSecond).padStart(8)} rows/s (${fmt(worker.rows)} positions, ${fmt(output.contents.events)} events, ` +
      `${fmt(output.contents.devices)} devices; ${fmt(worker.acknowledged)} points counted as 200 by the generator), ` +
      `${fmt(output.transactions)} transactions of ${fmt(pointsPerTransaction)} points on average`,
  );
  console.log(
    `   same-work SQL  ${fmt(sql.rowsPerSecond).padStart(8)} rows/s (one statement upserting the devices and inserting the events, COPY of the positions; ` +
      `${fmt(sql.transactions)} transactions of ${sql.batchesPerTransaction} batches on ${sql.connections} connections)`,
  );
  console.log(`   COPY alone     ${fmt(sql.copyRowsPerSecond).padStart(8)} rows/s (context)`);
  console.log(
    `   Bull consume + parse floor  ${fmt(consumeFloor.rowsPerSecond)} rows/s, ${fmt(consumeFloor.cpuMicrosPerRow, 1)} µs CPU per row ` +
      `(context: ${fmt(consumeFloor.jobs)} jobs of the worker's shape taken at its concurrency ${WORKER_CONCURRENCY}, ` +
      `points parsed, no database); during the drain, CPU per row: the worker ${fmt(worker.cpuMicrosPerRow, 1)} µs, ` +
      `PostgreSQL ${fmt(worker.postgresCpuMicrosPerRow, 1)} µs`,
  );
  const others = [worker.othersCpu, sql.othersCpu.sameWork, sql.othersCpu.copy];
  console.log(
    `   other processes took ${others.map((cpu) => fmt(cpu)).join(' %, ')} % of one core during each`,
  );
  if (Math.max(...others) > OTHERS_TOLERATED) warnOthers();
  const mismatches = differences(output.contents, sql.contents);
  console.log(
    mismatches.length === 0
      ? '   the worker and the baseline stored the same positions, events and device states (counts and checksums)'
      : `   (!) the baseline did not store what the worker did: ${mismatches.join('; ')}`,
  );
  console.log(
    `   worker ${fmt(worker.rowsPerSecond)} rows/s (target ≥ ${fmt(TARGETS.workerRowsPerSecond)}), ` +
      `÷ same-work SQL ${fmt(worker.rowsPerSecond / sql.rowsPerSecond, 2)} (target ≥ ${TARGETS.workerOfSql}) ` +
      verdict(passes.worker(worker, sql)),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * npm run bench:scale — does FleetHub scale out on one machine? The same load, from the same load
 * generator, against 1 API + 1 worker, then 2 API + 2 workers: compiled `ROLE=api` and
 * `ROLE=worker` processes on one PostgreSQL and one Redis, as in production. For each:
 *   - accepted points/s at the HTTP side, and p50/p99 of the 200s;
 *   - end-to-end points/s: rows in PostgreSQL / time from the first request until the last
 *     acknowledged point is stored;
 *   - the CPU of each process and of the machine, during the load and while the workers catch up:
 *     what limits scaling;
 * then the ratios 2+2 / 1+1. With two API processes it also checks that the rate limits stay
 * exact across them: a tenant at the spec's limits, its requests dealt to both, must get what ONE
 * token bucket allows (PASS/FAIL).
 *
 * The load generator (autocannon, in this process) deals its connections round-robin over the API
 * processes, as a load balancer would. It shares the machine with what it measures, so its CPU is
 * reported too. BENCH_DURATION (seconds of measured load, default 20), BENCH_WARMUP (3),
 * BENCH_CONNECTIONS (32) and BENCH_LIMITS_DURATION (5) size a run; BENCH_DURATION=5 takes about a
 * minute. Needs PostgreSQL (BENCH_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres)
 * and Redis (REDIS_URL, default redis://127.0.0.1:6379); each round gets a database and a queue
 * prefix of its own, dropped afterwards. Run `npm run build` first (the script does).
 *
 * Performance figures are reported, not judged: the exit code is non-zero only when something
 * crashes or the rate-limit check fails.
 */
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Client } from 'pg';
import type { TenantCredentials } from '../src/auth/tenants.service';
import { REDIS_URL, authHeaders, dropDatabase, recreateDatabase } from './support/fleethub';
import { load, type LoadResult } from './support/load';
import {
  cpuSnapshot,
  cpuUse,
  describeMachine,
  localPid,
  type CpuSnapshot,
} from './support/machine';
import {
  cliJson,
  startApi,
  startFleetHub,
  type ApiService,
  type Service,
} from './support/processes';
import { TelemetryQueue, dropKeys } from './support/queue';
import { fmt, verdict } from './support/stats';
import { BatchFactory } from './support/telemetry-batches';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 20);
const WARMUP_S = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const LIMITS_DURATION_S = Number(process.env.BENCH_LIMITS_DURATION ?? 5);
const BATCH = 100;
const DATABASE = 'fleethub_bench_scale';
/** Processes of each role per round. */
const SCALES = [1, 2];

/** The spec's user bucket (the servers' defaults), and what a batch costs in it: ceil(points / 20). */
const SPEC_BUCKET = { capacity: 180, refillPerSecond: 30 };
const BATCH_COST = Math.ceil(BATCH / 20);
/** How far, in batches, the accepted count may stray from one bucket's allowance: timing. */
const LIMITS_SLACK = 2;
const LIMITS_CONNECTIONS = 8;
/** How long the queue must stay empty, with no new row, for the load's last point to be stored. */
const QUIET_MS = 1000;
/** Share of the machine's CPU others may take during a round before the report warns of it. */
const OTHERS_TOLERATED = 0.1;
/** Buckets the throughput tenant never empties: the load measures ingestion, not refusals. */
const RAISED_LIMIT = '100000000';

/** The processes of one round and what they share. */
interface Cluster {
  apis: ApiService[];
  workers: Service[];
  queue: TelemetryQueue;
  db: Client;
  /** The tenant whose buckets are raised, and one at the spec's limits. */
  throughput: TenantCredentials;
  limited: TenantCredentials;
  redisPid?: number;
}

async function startCluster(size: number): Promise<Cluster> {
  const databaseUrl = await recreateDatabase(DATABASE);
  const prefix = `fleethub-bench-scale-${randomBytes(3).toString('hex')}`;
  const env = {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    JWT_SECRET: randomBytes(32).toString('hex'),
    SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // The operator CLI below applies them, as the Procfile's release step does.
    MIGRATIONS_RUN: 'false',
    RATE_LIMIT_TELEMETRY_ENABLED: 'true',
    RATE_LIMIT_GLOBAL_CAPACITY: String(SPEC_BUCKET.capacity),
    RATE_LIMIT_GLOBAL_REFILL: String(SPEC_BUCKET.refillPerSecond),
  };
  const create = (name: string, slug: string) =>
    cliJson<TenantCredentials>(['tenant:create', '--name', name, '--slug', slug], {
      ...env,
      MIGRATIONS_RUN: 'true',
    });
  const throughput = await create('Scale', 'scale');
  const limited = await create('Spec limits', 'limits');
  await cliJson(
    ['tenant:limits', '--tenant', 'scale']
      .concat(['--global-capacity', RAISED_LIMIT, '--global-refill', RAISED_LIMIT])
      .concat(['--imei-capacity', RAISED_LIMIT, '--imei-refill', RAISED_LIMIT]),
    env,
  );
  const workers = Array.from({ length: size }, () => startFleetHub({ ...env, ROLE: 'worker' }));
  const started = await Promise.allSettled(Array.from({ length: size }, () => startApi(env)));
  const apis = started.flatMap((api) => (api.status === 'fulfilled' ? [api.value] : []));
  const failure = started.find((api) => api.status === 'rejected');
  if (failure) {
    // Children outlive this process: stop what did start before giving up.
    await Promise.all([...workers, ...apis].map((service) => service.stop()));
    throw failure.reason;
  }
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  return {
    apis,
    workers,
    queue: new TelemetryQueue(prefix),
    db,
    throughput,
    limited,
    redisPid: await redisPid(),
  };
}

async function stopCluster(cluster: Cluster): Promise<void> {
  await Promise.all([...cluster.apis, ...cluster.workers].map((service) => service.stop()));
  await cluster.db.end();
  await cluster.queue.close();
  await dropKeys(cluster.queue.prefix);
  await dropDatabase(DATABASE);
}

/** Redis's process, when it runs on this machine. */
async function redisPid(): Promise<number | undefined> {
  const redis = new Redis(REDIS_URL);
  const info = await redis.info('server');
  await redis.quit();
  const pid = /^process_id:(\d+)/m.exec(info)?.[1];
  return pid === undefined ? undefined : localPid(Number(pid), 'redis');
}

/** A process of the round that has exited is a crash: the figures would mean nothing. */
function assertRunning(cluster: Cluster): void {
  for (const service of [...cluster.apis, ...cluster.workers]) {
    const { exitCode, signalCode, pid } = service.process;
    if (exitCode !== null || signalCode !== null) {
      throw new Error(`FleetHub process ${pid} exited (${exitCode ?? signalCode})`);
    }
  }
}

/**
 * Waits until every job is written and no row has arrived for a while: the API may still enqueue
 * requests the load generator stopped waiting for. The rows then, and a snapshot taken when that
 * count was first seen: when the last of them was stored.
 */
async function allStored(cluster: Cluster): Promise<{ rows: number; at: Snapshot }> {
  let last: { rows: number; at: Snapshot } | undefined;
  for (;;) {
    assertRunning(cluster);
    // Rows are counted only once the queue is empty: a count would compete with the workers.
    if ((await cluster.queue.unwritten()) === 0) {
      const { rows } = await cluster.db.query<{ n: string }>('SELECT count(*) AS n FROM positions');
      const count = Number(rows[0].n);
      if (count !== last?.rows) last = { rows: count, at: await snapshot(cluster) };
      else if (performance.now() - last.at.cpu.at >= QUIET_MS) return last;
    }
    await delay(20);
  }
}

/** The processes whose CPU is reported, by what they are. */
type Watched = Record<'apis' | 'workers' | 'generator' | 'redis' | 'postgres', number[]>;

async function watched(cluster: Cluster): Promise<Watched> {
  // The server processes of the round's connections (the pools of the API and worker processes).
  const { rows } = await cluster.db.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
  );
  const pidsOf = (services: Service[]) => services.map((service) => service.process.pid ?? NaN);
  return {
    apis: pidsOf(cluster.apis),
    workers: pidsOf(cluster.workers),
    generator: [process.pid],
    redis: cluster.redisPid === undefined ? [] : [cluster.redisPid],
    postgres: rows.flatMap(({ pid }) => localPid(pid, 'postgres') ?? []),
  };
}

/** CPU use of one phase, in percent of one core, by what used it. */
interface PhaseCpu {
  seconds: number;
  apis: number[];
  workers: number[];
  generator: number;
  redis?: number;
  postgres?: number;
  rest: number;
  machine: number;
  capacity: number;
}

interface Snapshot {
  processes: Watched;
  cpu: CpuSnapshot;
}

async function snapshot(cluster: Cluster): Promise<Snapshot> {
  const processes = await watched(cluster);
  return { processes, cpu: cpuSnapshot(Object.values(processes).flat()) };
}

function phaseCpu(from: Snapshot, to: Snapshot): PhaseCpu {
  const use = cpuUse(from.cpu, to.cpu);
  const { apis, workers, generator, redis, postgres } = to.processes;
  const ours = use.of(Object.values(to.processes).flat());
  return {
    seconds: (to.cpu.at - from.cpu.at) / 1000,
    apis: apis.map((pid) => use.of([pid])),
    workers: workers.map((pid) => use.of([pid])),
    generator: use.of(generator),
    redis: redis.length > 0 ? use.of(redis) : undefined,
    postgres: postgres.length > 0 ? use.of(postgres) : undefined,
    rest: Math.max(0, use.machine - ours),
    machine: use.machine,
    capacity: use.capacity,
  };
}

interface Round {
  size: number;
  http: LoadResult;
  rows: number;
  acknowledged: number;
  endToEnd: number;
  /** From the end of the load until the last point was stored. */
  catchUpSeconds: number;
  failedJobs: number;
  cpu: { load: PhaseCpu; catchUp: PhaseCpu };
}

async function measure(cluster: Cluster): Promise<Round> {
  const options = {
    urls: cluster.apis.map((api) => `${api.baseUrl}/apidev/v1/telemetry`),
    headers: await authHeaders(cluster.apis[0].baseUrl, cluster.throughput),
    factory: new BatchFactory(),
    connections: CONNECTIONS,
    batchSize: BATCH,
  };
  // Connections, caches and JIT warm, then all stored: the measured rows are the load's own.
  await load({ ...options, seconds: WARMUP_S });
  const before = await allStored(cluster);
  const start = await snapshot(cluster);
  const http = await load({ ...options, seconds: DURATION_S });
  const loaded = await snapshot(cluster);
  const stored = await allStored(cluster);
  const rows = stored.rows - before.rows;
  return {
    size: cluster.apis.length,
    http,
    rows,
    acknowledged: http.ok * BATCH,
    endToEnd: (rows * 1000) / (stored.at.cpu.at - start.cpu.at),
    catchUpSeconds: (stored.at.cpu.at - loaded.cpu.at) / 1000,
    failedJobs: await cluster.queue.failed(),
    cpu: { load: phaseCpu(start, loaded), catchUp: phaseCpu(loaded, stored.at) },
  };
}

interface LimitsCheck {
  processes: number;
  result: LoadResult;
  /** Batches one bucket lets through in that time. */
  allowed: number;
  pass: boolean;
}

/**
 * The rate limits across the API processes: requests of a tenant at the spec's limits, dealt to
 * every API process, must get what ONE bucket allows (capacity + refill × elapsed), not one
 * bucket's worth per process.
 */
async function checkSharedBucket(cluster: Cluster): Promise<LimitsCheck> {
  const headers = await authHeaders(cluster.apis[0].baseUrl, cluster.limited);
  const result = await load({
    urls: cluster.apis.map((api) => `${api.baseUrl}/apidev/v1/telemetry`),
    headers,
    factory: new BatchFactory(),
    seconds: LIMITS_DURATION_S,
    connections: LIMITS_CONNECTIONS,
    batchSize: BATCH,
  });
  const allowed =
    (SPEC_BUCKET.capacity + SPEC_BUCKET.refillPerSecond * result.seconds) / BATCH_COST;
  const onlyRefused = result.failed === (result.statuses[429] ?? 0);
  return {
    processes: cluster.apis.length,
    result,
    allowed,
    pass:
      Math.abs(result.ok - allowed) <= LIMITS_SLACK &&
      onlyRefused &&
      result.okByUrl.every((ok) => ok > 0),
  };
}

function reportLimits({ processes, result, allowed, pass }: LimitsCheck): void {
  const { seconds } = result;
  const refused = result.statuses[429] ?? 0;
  console.log(
    `\nRate limits across ${processes} API processes: a tenant at the spec's limits ` +
      `(${SPEC_BUCKET.capacity} tokens, ${SPEC_BUCKET.refillPerSecond}/s; a ${BATCH}-point batch costs ` +
      `${BATCH_COST}), ${LIMITS_CONNECTIONS} connections dealt round-robin for ${fmt(seconds, 2)} s`,
  );
  console.log(
    `   accepted ${result.ok} batches (${result.okByUrl.map((ok, i) => `API ${i + 1}: ${ok}`).join(', ')}), ` +
      `refused ${fmt(refused)} with 429, other answers or errors: ${result.failed - refused}`,
  );
  console.log(
    `   one shared bucket allows (${SPEC_BUCKET.capacity} + ${SPEC_BUCKET.refillPerSecond} × ${fmt(seconds, 2)}) / ` +
      `${BATCH_COST} = ${fmt(allowed, 1)} ± ${LIMITS_SLACK}; a bucket per process would allow ` +
      `${fmt(processes * allowed, 1)}`,
  );
  console.log(`   ${verdict(pass)}`);
}

/** Columns padded to their widest cell, the first left-aligned, the others right-aligned. */
function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows) {
    console.log(
      row
        .map((cell, column) =>
          column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
        )
        .join('   '),
    );
  }
}

const percents = (values: number[]) => values.map((value) => fmt(value)).join(' + ');
const optional = (value: number | undefined) => (value === undefined ? '—' : fmt(value));

function cpuRows(title: string, phases: PhaseCpu[]): string[][] {
  const row = (label: string, cell: (phase: PhaseCpu) => string) => [
    label,
    // Under a second, percentages are noise.
    ...phases.map((phase) => (phase.seconds < 1 ? '—' : cell(phase))),
    '',
  ];
  return [
    [title, ...phases.map(() => ''), ''],
    row('  API processes', (phase) => percents(phase.apis)),
    row('  worker processes', (phase) => percents(phase.workers)),
    row('  load generator', (phase) => fmt(phase.generator)),
    row('  Redis', (phase) => optional(phase.redis)),
    row('  PostgreSQL (the round’s connections)', (phase) => optional(phase.postgres)),
    row('  everything else', (phase) => fmt(phase.rest)),
    row('  machine', (phase) => `${fmt(phase.machine)} of ${fmt(phase.capacity)}`),
  ];
}

function report(rounds: Round[]): void {
  const [base, scaled] = [rounds[0], rounds[rounds.length - 1]];
  const ratio = (of: (round: Round) => number) => fmt(of(scaled) / of(base), 2);
  console.log(
    `\nThroughput: ${CONNECTIONS} connections, ${BATCH}-point batches over 10,000 IMEIs, ` +
      `${WARMUP_S} s warm-up then ${DURATION_S} s measured`,
  );
  printTable([
    [
      '',
      ...rounds.map(
        (round) => `${round.size} API + ${round.size} worker${round.size > 1 ? 's' : ''}`,
      ),
      `${scaled.size}+${scaled.size} / ${base.size}+${base.size}`,
    ],
    [
      'HTTP accepted points/s',
      ...rounds.map((round) => fmt(round.http.pointsPerSecond)),
      ratio((round) => round.http.pointsPerSecond),
    ],
    [
      'end-to-end points/s (200 → row)',
      ...rounds.map((round) => fmt(round.endToEnd)),
      ratio((round) => round.endToEnd),
    ],
    ['measured load, s', ...rounds.map((round) => fmt(round.http.seconds, 1)), ''],
    [
      'HTTP latency p50 / p99, ms',
      ...rounds.map((round) => `${fmt(round.http.p50, 1)} / ${fmt(round.http.p99, 1)}`),
      '',
    ],
    ['requests not answered 200', ...rounds.map((round) => fmt(round.http.failed)), ''],
    [
      'rows stored / points acknowledged',
      ...rounds.map((round) => `${fmt(round.rows)} / ${fmt(round.acknowledged)}`),
      '',
    ],
    ['failed jobs', ...rounds.map((round) => fmt(round.failedJobs)), ''],
    [
      'workers caught up after the load, s',
      ...rounds.map((round) => fmt(round.catchUpSeconds, 1)),
      '',
    ],
    ...cpuRows(
      'CPU during the load, % of one core',
      rounds.map((round) => round.cpu.load),
    ),
    // Workers that keep up with the load catch up in no time: nothing to show then.
    ...(rounds.some((round) => round.cpu.catchUp.seconds >= 1)
      ? cpuRows(
          'CPU while the workers caught up',
          rounds.map((round) => round.cpu.catchUp),
        )
      : []),
  ]);
  // Every acknowledged point must be stored; more rows than 200s counted is fine (the load
  // generator stops counting answers still in flight when its time is up).
  for (const round of rounds.filter((round) => round.rows < round.acknowledged)) {
    console.log(
      `\n(!) ${round.size}+${round.size}: ${fmt(round.acknowledged - round.rows)} acknowledged points are not in PostgreSQL`,
    );
  }
  for (const round of rounds.filter(
    ({ cpu }) => cpu.load.rest > OTHERS_TOLERATED * cpu.load.capacity,
  )) {
    console.log(
      `\n(!) ${round.size}+${round.size}: other processes took ${fmt(round.cpu.load.rest)} % of the CPU ` +
        'during the load; on a quiet machine the rounds compare better.',
    );
  }
  const load = scaled.cpu.load;
  const saturated = load.machine >= 0.9 * load.capacity;
  console.log(
    `\nWhat limits scaling: during the ${scaled.size}+${scaled.size} load the machine's CPU was ` +
      `${fmt(load.machine)} % busy of ${fmt(load.capacity)} % (API ${percents(load.apis)}, ` +
      `workers ${percents(load.workers)}, load generator ${fmt(load.generator)}, ` +
      `Redis ${optional(load.redis)}, PostgreSQL ${optional(load.postgres)}, else ${fmt(load.rest)}): ` +
      (saturated
        ? 'the CPU is the limit; more processes than cores only share them.'
        : 'the CPU was not saturated; see the processes above (Redis runs on one core: 100 % is its ceiling).'),
  );
}

async function main(): Promise<void> {
  console.log(`FleetHub scale benchmark — ${describeMachine()}`);
  const rounds: Round[] = [];
  let limits: LimitsCheck | undefined;
  for (const size of SCALES) {
    const cluster = await startCluster(size);
    try {
      rounds.push(await measure(cluster));
      if (size > 1) limits = await checkSharedBucket(cluster);
    } finally {
      await stopCluster(cluster);
    }
  }
  report(rounds);
  if (!limits) throw new Error('no round had several API processes to check the rate limits on');
  reportLimits(limits);
  if (!limits.pass) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

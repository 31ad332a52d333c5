import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Client } from 'pg';
import type { TenantCredentials } from '../../src/auth/tenants.service';
import { REDIS_URL, authHeaders, dropDatabase, recreateDatabase } from './fleethub';
import { load, type LoadResult } from './load';
import { cpuSnapshot, cpuUse, localPid, type CpuSnapshot } from './machine';
import { cliJson, startApi, startFleetHub, type ApiService, type Service } from './processes';
import { TelemetryQueue, dropKeys } from './queue';
import { BatchFactory } from './telemetry-batches';

/*
 * FleetHub as production runs it on one machine: compiled `ROLE=api` and `ROLE=worker` processes
 * on one PostgreSQL and one Redis, on a database and a queue prefix of their own (dropped by
 * `stopCluster`), and how many points/s it takes in and stores end to end under a load. Shared by
 * `bench:scale` (1 + 1, then 2 + 2) and `bench:ingest` (its end-to-end row, 1 + 1).
 */

const BATCH = 100;
/** The spec's user bucket (the servers' defaults). */
export const SPEC_BUCKET = { capacity: 180, refillPerSecond: 30 };
/** How long the queue must stay empty, with no new row, for the load's last point to be stored. */
const QUIET_MS = 1000;
/** Buckets the throughput tenant never empties: the load measures ingestion, not refusals. */
const RAISED_LIMIT = '100000000';

/** The processes of one round and what they share. */
export interface Cluster {
  apis: ApiService[];
  workers: Service[];
  queue: TelemetryQueue;
  db: Client;
  /** The tenant whose buckets are raised, and one at the spec's limits. */
  throughput: TenantCredentials;
  limited: TenantCredentials;
  redisPid?: number;
  database: string;
}

/** Starts `size` API and `size` worker processes, on a new database and queue prefix. */
export async function startCluster(size: number): Promise<Cluster> {
  const tag = randomBytes(3).toString('hex');
  const database = `fleethub_bench_scale_${tag}`;
  const databaseUrl = await recreateDatabase(database);
  const prefix = `fleethub-bench-scale-${tag}`;
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
    database,
  };
}

export async function stopCluster(cluster: Cluster): Promise<void> {
  await Promise.all([...cluster.apis, ...cluster.workers].map((service) => service.stop()));
  await cluster.db.end();
  await cluster.queue.close();
  await dropKeys(cluster.queue.prefix);
  await dropDatabase(cluster.database);
}

/** Redis's process, when it runs on this machine. */
export async function redisPid(): Promise<number | undefined> {
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
export interface PhaseCpu {
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

export interface Round {
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

/** How long a load lasts, after a warm-up, and from how many connections. */
export interface LoadPlan {
  seconds: number;
  warmupSeconds: number;
  connections: number;
}

/**
 * Unique 100-point batches over 10,000 IMEIs, dealt round-robin to the API processes, for a
 * warm-up then the measured load; then waits until every point is stored.
 */
export async function measure(cluster: Cluster, plan: LoadPlan): Promise<Round> {
  const options = {
    urls: cluster.apis.map((api) => `${api.baseUrl}/apidev/v1/telemetry`),
    headers: await authHeaders(cluster.apis[0].baseUrl, cluster.throughput),
    factory: new BatchFactory(),
    connections: plan.connections,
    batchSize: BATCH,
  };
  // Connections, caches and JIT warm, then all stored: the measured rows are the load's own.
  await load({ ...options, seconds: plan.warmupSeconds });
  const before = await allStored(cluster);
  const start = await snapshot(cluster);
  const http = await load({ ...options, seconds: plan.seconds });
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

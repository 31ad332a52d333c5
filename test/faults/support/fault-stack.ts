import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { authHeaders } from '../../../bench/support/fleethub';
import {
  cliJson,
  exitOf,
  startApi,
  startFleetHub,
  type NodeOptions,
} from '../../../bench/support/processes';
import type { TenantCredentials } from '../../../src/auth/tenants.service';
import { PostgresServer, RedisServer } from './servers';
import type { TelemetryTarget } from './telemetry-load';

const FAULTS_DIR = resolve(__dirname, '../../../.data/faults');

/** The queue key prefix of the suite's FleetHub processes (their own Redis, so any would do). */
export const FAULTS_QUEUE_PREFIX = 'faults';

export interface FleetHubProcess {
  role: 'api' | 'worker';
  process: ChildProcess;
}

export interface ApiProcess extends FleetHubProcess {
  role: 'api';
  pid: number;
  baseUrl: string;
  port: number;
}

export interface FaultStackOptions {
  /** Redis with an fsynced append-only file (survives its own crash); default: no persistence. */
  redisAppendOnly?: boolean;
  /** Environment every FleetHub process of the stack gets, over the suite's defaults. */
  env?: Record<string, string>;
}

/**
 * One test file's world: its own PostgreSQL and Redis, a tenant, and the FleetHub processes it
 * starts (the compiled app, `npm run build` first), all stopped by `stop()` whatever state the
 * test left them in.
 */
export class FaultStack {
  private readonly processes: FleetHubProcess[] = [];

  private constructor(
    readonly dir: string,
    readonly postgres: PostgresServer,
    readonly redis: RedisServer,
    readonly tenant: TenantCredentials,
    private readonly env: Record<string, string>,
  ) {}

  static async start(name: string, options: FaultStackOptions = {}): Promise<FaultStack> {
    const dir = join(FAULTS_DIR, name);
    // A fresh cluster each run: a server left running by an interrupted run is not reused.
    await rm(dir, { recursive: true, force: true });
    const postgres = await PostgresServer.start(dir);
    const redis = await RedisServer.start({
      dir: join(dir, 'redis'),
      appendOnly: options.redisAppendOnly ?? false,
    });
    const env: Record<string, string> = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATA_DIR: dir,
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: FAULTS_QUEUE_PREFIX,
      JWT_SECRET: 'fault-suite-secret-of-at-least-32-characters',
      SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
      // Jobs a killed worker held are taken again within about two lock durations.
      WORKER_LOCK_MS: '2000',
      // The token buckets are the burst case's subject; elsewhere they would only pace the load.
      RATE_LIMIT_TELEMETRY_ENABLED: 'false',
      // No data-lifecycle pass at a worker's start: its writes would be taken for a batch's by the
      // probes that wait for a worker in the middle of one (waitForOpenWrite).
      LIFECYCLE_INTERVAL_MINUTES: '0',
      ...options.env,
    };
    // The CLI applies the migrations, so the processes started next find the schema ready.
    const tenant = await cliJson<TenantCredentials>(
      ['tenant:create', '--name', 'Fault suite', '--slug', 'faults'],
      env,
    );
    return new FaultStack(dir, postgres, redis, tenant, env);
  }

  /** Starts a `ROLE=api` process and resolves once it answers HTTP. */
  async startApi(env: Record<string, string> = {}, options?: NodeOptions): Promise<ApiProcess> {
    const { process, port, baseUrl } = await startApi({ ...this.env, ...env }, options);
    this.processes.push({ role: 'api', process });
    // Answering HTTP, it was spawned: it has a pid.
    return { role: 'api', process, pid: process.pid ?? NaN, port, baseUrl };
  }

  /** Starts a `ROLE=worker` process; it consumes as soon as it has booted. */
  startWorker(env: Record<string, string> = {}): FleetHubProcess {
    const worker: FleetHubProcess = {
      role: 'worker',
      process: startFleetHub({ ...this.env, ROLE: 'worker', ...env }).process,
    };
    this.processes.push(worker);
    return worker;
  }

  /** Where and how to post the tenant's telemetry to `api`. */
  async telemetryTarget(api: ApiProcess): Promise<TelemetryTarget> {
    return {
      url: `${api.baseUrl}/apidev/v1/telemetry`,
      headers: {
        ...(await authHeaders(api.baseUrl, this.tenant)),
        'content-type': 'application/json',
      },
    };
  }

  async stop(): Promise<void> {
    for (const { process } of this.processes) {
      if (process.exitCode === null && process.signalCode === null) process.kill('SIGKILL');
      await exitOf(process);
    }
    await this.redis.stop();
    await this.postgres.stop();
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { exitOf, freePort } from '../../../bench/support/processes';
import { waitFor } from '../../utils/wait';

// It lives with the process helpers the benchmarks share; the specs take it from here.
export { exitOf };

const ROOT = resolve(__dirname, '../../..');
const POSTGRES_MAIN = join(__dirname, 'postgres-main.ts');

/** Whether something accepts TCP connections on the port (false once a server stopped listening). */
export async function accepting(port: number): Promise<boolean> {
  const socket = connect(port, '127.0.0.1');
  try {
    await once(socket, 'connect');
    return true;
  } catch {
    return false;
  } finally {
    socket.destroy();
  }
}

export interface RedisServerOptions {
  /** Working directory (the append-only file, if any, goes there). */
  dir: string;
  /**
   * Log every write to an append-only file, fsynced before the write is acknowledged: the
   * configuration under which a Redis crash loses no enqueued job.
   */
  appendOnly: boolean;
}

/**
 * A redis-server of the suite's own on a free port, so a test can kill, freeze and restart it
 * without touching the machine's shared Redis.
 */
export class RedisServer {
  private child?: ChildProcess;

  private constructor(
    readonly port: number,
    private readonly options: RedisServerOptions,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(options: RedisServerOptions): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), options);
    await server.start();
    return server;
  }

  /** Starts it again on the same port and directory (after `kill`). */
  async start(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    const persistence = this.options.appendOnly
      ? ['--appendonly', 'yes', '--appendfsync', 'always']
      : ['--appendonly', 'no'];
    this.child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--dir',
        this.options.dir,
      ].concat(persistence),
      { stdio: 'ignore' },
    );
    const answered = await waitFor(() => this.ping(), Boolean, { timeoutMs: 10_000 });
    if (!answered) throw new Error(`redis-server did not answer on port ${this.port}`);
  }

  /** A crash: SIGKILL, no chance to flush anything. */
  async kill(): Promise<void> {
    if (!this.child) return;
    this.child.kill('SIGKILL');
    await exitOf(this.child);
    this.child = undefined;
  }

  /** Freezes the server: connections stay open and commands get no answer. */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  thaw(): void {
    this.child?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    this.thaw();
    await this.kill();
  }

  private async ping(): Promise<boolean> {
    const client = new Redis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      connectTimeout: 500,
      retryStrategy: () => null,
    });
    // A refused connection is the answer "not yet", reported by `connect()` below.
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }
}

/**
 * A PostgreSQL server of the suite's own: the embedded PostgreSQL FleetHub ships, on a free port,
 * its cluster under `dataDir`, run by `postgres-main.ts` in a child process, so a test can stop
 * and restart it.
 */
export class PostgresServer {
  private child?: ChildProcess;
  url = '';

  private constructor(
    private readonly dataDir: string,
    private readonly port: number,
  ) {}

  static async start(dataDir: string): Promise<PostgresServer> {
    const server = new PostgresServer(dataDir, await freePort());
    await server.start();
    return server;
  }

  /** Starts it (again, after `stop`) on the same port and cluster. */
  async start(): Promise<void> {
    const child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        POSTGRES_MAIN,
        this.dataDir,
        String(this.port),
        'fault-suite',
      ],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
    );
    this.child = child;
    const ready = once(child, 'message') as Promise<[{ url: string }]>;
    const failed = exitOf(child).then((code) => {
      throw new Error(`the suite's PostgreSQL did not start (exit code ${code})`);
    });
    const [{ url }] = await Promise.race([ready, failed]);
    this.url = url;
  }

  /** A fast shutdown: open transactions are rolled back, every connection is closed. */
  async stop(): Promise<void> {
    if (!this.child) return;
    this.child.kill('SIGTERM');
    await exitOf(this.child);
    this.child = undefined;
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

export interface Service {
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface ApiService extends Service {
  port: number;
  baseUrl: string;
}

export interface NodeOptions {
  /** Flags for node itself (V8's among them), before the script. */
  nodeArgs?: string[];
  /** `pipe`: the child's stdout is a stream on its `ChildProcess` (and must be read). */
  stdout?: 'ignore' | 'pipe';
}

/** Runs the compiled FleetHub (`dist/`) with the given environment. */
export function startFleetHub(env: Record<string, string>, options: NodeOptions = {}): Service {
  return startNode([resolve(ROOT, 'dist/src/main.js')], env, options);
}

/**
 * Runs a compiled `ROLE=api` process on a free port of 127.0.0.1 and resolves once it answers
 * HTTP (killed if it never does).
 */
export async function startApi(
  env: Record<string, string>,
  options: NodeOptions = {},
): Promise<ApiService> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const api = startFleetHub(
    { ...env, ROLE: 'api', HOST: '127.0.0.1', PORT: String(port) },
    options,
  );
  try {
    await waitForHttp(`${baseUrl}/health/live`);
  } catch (error) {
    api.process.kill('SIGKILL');
    throw error;
  }
  return { ...api, port, baseUrl };
}

export function startNode(
  args: string[],
  env: Record<string, string>,
  { nodeArgs = [], stdout = 'ignore' }: NodeOptions = {},
): Service {
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', stdout, 'inherit'],
  });
  return {
    process: child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exitOf(child);
    },
  };
}

/** Resolves once the child has exited, with its exit code (null when a signal ended it). */
export async function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

/** A TCP port nothing listens on right now (the kernel's pick). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no TCP port assigned');
  return address.port;
}

export async function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** Runs the compiled operator CLI and parses its `--json` answer. */
export async function cliJson<T>(args: string[], env: Record<string, string>): Promise<T> {
  const child = spawn(
    process.execPath,
    [resolve(ROOT, 'dist/src/cli/main.js'), ...args, '--json'],
    {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`cli ${args.join(' ')} exited with ${code}`);
  return JSON.parse(output) as T;
}

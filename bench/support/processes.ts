import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

export interface Service {
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Runs the compiled FleetHub (`dist/`) with the given environment. */
export function startFleetHub(env: Record<string, string>): Service {
  return startNode([resolve(ROOT, 'dist/src/main.js')], env);
}

export function startNode(args: string[], env: Record<string, string>): Service {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return {
    process: child,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
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

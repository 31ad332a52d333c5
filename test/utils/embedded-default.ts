import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { access, chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { exitOf, freePort } from '../../bench/support/processes';
import { waitFor } from './wait';

const ROOT = resolve(__dirname, '..', '..');
const run = promisify(execFile);

/** The compiled server as `npm start` runs it, on the embedded default, in a directory of its own. */
export interface EmbeddedDefault {
  /** Where it runs: its `.data/` is there, as the README says. */
  workDir: string;
  /** PORT and EMBEDDED_POSTGRES_PORT: the whole of its environment but PATH and HOME. */
  env: Record<string, string>;
  url: string;
  /** The demo tenant's credentials, written on the first start. */
  credentialsFile: string;
  /** Everything it printed so far. */
  output(): string;
  /** Stops it with SIGTERM and starts it again in the same directory. */
  restart(): Promise<void>;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}

const answers = (url: string) =>
  fetch(url).then(
    (response) => response.ok,
    () => false,
  );
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** `node dist/src/main.js` with nothing of the test's environment but PATH and HOME. */
function startServer(cwd: string, env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return { child, output: () => output };
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await exitOf(child);
}

/**
 * Compiles the server (the page is built by the suites' global setup) and starts it the way the
 * README's `npm start` does; resolves once it answers and the demo credentials are written.
 */
export async function startEmbeddedDefault(): Promise<EmbeddedDefault> {
  await run(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
    },
  );
  // Made by mkdtemp for its owner only; run as root, the embedded PostgreSQL runs as a user of
  // its own, which must be able to enter it.
  const workDir = await mkdtemp(join(tmpdir(), 'fleethub-embedded-'));
  await chmod(workDir, 0o755);
  const credentialsFile = join(workDir, '.data', 'demo-credentials.json');
  const env = {
    PORT: String(await freePort()),
    EMBEDDED_POSTGRES_PORT: String(await freePort()),
  };
  let server = startServer(workDir, env);
  // The credentials file is written just after the server starts listening.
  const ready = await waitFor(
    async () =>
      (await answers(`http://127.0.0.1:${env.PORT}/health/live`)) &&
      (await exists(credentialsFile)),
    Boolean,
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  if (!ready) {
    await stopServer(server.child);
    throw new Error(`the server did not start:\n${server.output()}`);
  }
  return {
    workDir,
    env,
    url: `http://localhost:${env.PORT}`,
    credentialsFile,
    output: () => server.output(),
    async restart() {
      await stopServer(server.child);
      server = startServer(workDir, env);
    },
    async close() {
      await stopServer(server.child);
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

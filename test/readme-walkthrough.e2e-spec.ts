import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { access, chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { exitOf, freePort } from '../bench/support/processes';
import { waitFor } from './utils/wait';

/**
 * The README's "First five minutes", run as a reader runs it: the compiled server started the
 * way `npm start` starts it (embedded default, in a directory of its own, so `.data/` is where
 * the README says), then the section's shell blocks, verbatim, in one bash.
 */
jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '..');
const SECTION = 'First five minutes';
const run = promisify(execFile);

/** The ```sh blocks under the section's heading, in order, up to the next heading of its level. */
function walkthroughCommands(readme: string, heading: string): string[] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${heading}" section`);
  const next = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, next < 0 ? undefined : next);
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map(([, block]) => block);
}

interface Server {
  child: ChildProcess;
  output: () => string;
}

/** `node dist/src/main.js` with nothing of the test's environment but PATH and HOME. */
function startServer(cwd: string, env: Record<string, string>): Server {
  const child = spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return { child, output: () => output };
}

async function stopServer(server: Server | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null) return;
  server.child.kill('SIGTERM');
  await exitOf(server.child);
}

const answers = async (url: string) =>
  fetch(url).then(
    (response) => response.ok,
    () => false,
  );
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('README: the "First five minutes" walkthrough, pasted into a shell', () => {
  let workDir: string;
  let env: Record<string, string>;
  let server: Server | undefined;
  let credentialsFile: string;
  let result: { code: number | null; stdout: string; stderr: string };

  beforeAll(async () => {
    await run(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: ROOT,
      },
    );
    // Made by mkdtemp for its owner only; run as root, the embedded PostgreSQL runs as a user of
    // its own, which must be able to enter it.
    workDir = await mkdtemp(join(tmpdir(), 'fleethub-readme-'));
    await chmod(workDir, 0o755);
    credentialsFile = join(workDir, '.data', 'demo-credentials.json');
    env = {
      PORT: String(await freePort()),
      EMBEDDED_POSTGRES_PORT: String(await freePort()),
    };
    server = startServer(workDir, env);
    // The credentials file is written just after the server starts listening.
    const ready = await waitFor(
      async () =>
        (await answers(`http://127.0.0.1:${env.PORT}/health/live`)) &&
        (await exists(credentialsFile)),
      Boolean,
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    if (!ready) throw new Error(`the server did not start:\n${server.output()}`);

    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const script = join(workDir, 'walkthrough.sh');
    // Strict mode: any command that fails stops the script with its exit code.
    await writeFile(
      script,
      ['set -euo pipefail', ...walkthroughCommands(readme, SECTION)].join('\n'),
    );
    result = await new Promise((done, fail) => {
      const bash = spawn('bash', ['-x', script], {
        cwd: workDir,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: env.PORT },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      bash.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      bash.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      bash.on('error', fail);
      bash.on('close', (code) => done({ code, stdout, stderr }));
    });
  });

  afterAll(async () => {
    await stopServer(server);
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('has shell blocks to run', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    expect(walkthroughCommands(readme, SECTION).length).toBeGreaterThanOrEqual(4);
  });

  it('runs every command to the end, each exiting 0', () => {
    expect({ code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
  });

  it('gets a token with the demo credentials', () => {
    expect(result.stdout).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/m);
  });

  it('has the telemetry batch and the live point accepted, and the tracker message', () => {
    // Not line by line: the stream's output and the last answer share the terminal.
    const ok = (data: object) => JSON.stringify({ success: true, data, meta: {} });
    expect(result.stdout).toContain(ok({ accepted: 2, rejected: 0, status: 'OK' }));
    expect(result.stdout).toContain(ok({ accepted: 1, rejected: 0, status: 'OK' }));
    expect(result.stdout).toContain(ok({ status: 'OK', warnings: [] }));
  });

  it('lists both devices, and the history with its CSV export', () => {
    expect(result.stdout).toContain('"deviceId":"352093081234567","kind":"tracker"');
    expect(result.stdout).toContain('"deviceId":"c0010c2a69f088a4","kind":"asset-tracker"');
    expect(result.stdout).toContain('"type":"IGNICION_OFF","code":"119"');
    expect(result.stdout).toMatch(/^recordedAt,receivedAt,eventcode,fix,lat,lon,/m);
  });

  it('shows the point that arrived while the live stream was open', () => {
    expect(result.stdout).toMatch(/^event: position$/m);
    expect(result.stdout).toContain('data: {"deviceId":"352093081234567","kind":"tracker"');
  });

  it('creates a rate plan with the Account SID and auth token, and lists it', () => {
    const created = result.stdout
      .split('\n')
      .find((line) => line.includes('"unique_name":"starter"'));
    expect(JSON.parse(created ?? '{}')).toMatchObject({
      sid: expect.stringMatching(/^WP[0-9a-f]{32}$/),
      data_limit: 500,
    });
    const listed = result.stdout.split('\n').find((line) => line.includes('"rate_plans":'));
    expect(JSON.parse(listed ?? '{}')).toMatchObject({
      rate_plans: [expect.objectContaining({ unique_name: 'starter' })],
    });
  });

  it('logs every start-up line as JSON off a terminal, and a later start says where the credentials are', async () => {
    await stopServer(server);
    server = startServer(workDir, env);
    const line = `The demo tenant's credentials are kept in ${credentialsFile}`;
    const said = await waitFor(
      () => Promise.resolve(server?.output() ?? ''),
      (output) => output.includes(line),
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    const lines = said.split('\n').filter(Boolean);
    expect(lines.map((text) => JSON.parse(text) as { msg: string })).toContainEqual(
      expect.objectContaining({ msg: line }),
    );
  });
});

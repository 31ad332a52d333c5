import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startEmbeddedDefault, type EmbeddedDefault } from './utils/embedded-default';
import { waitFor } from './utils/wait';

/**
 * The README's "First five minutes", run as a reader runs it: the compiled server started the
 * way `npm start` starts it (embedded default, in a directory of its own, so `.data/` is where
 * the README says), then the section's shell blocks, verbatim, in one bash.
 */
jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '..');
const SECTION = 'First five minutes';

/** The ```sh blocks under the section's heading, in order, up to the next heading of its level. */
function walkthroughCommands(readme: string, heading: string): string[] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${heading}" section`);
  const next = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, next < 0 ? undefined : next);
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map(([, block]) => block);
}

describe('README: the "First five minutes" walkthrough, pasted into a shell', () => {
  let server: EmbeddedDefault;
  let result: { code: number | null; stdout: string; stderr: string };

  beforeAll(async () => {
    server = await startEmbeddedDefault();
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const script = join(server.workDir, 'walkthrough.sh');
    // Strict mode: any command that fails stops the script with its exit code.
    await writeFile(
      script,
      ['set -euo pipefail', ...walkthroughCommands(readme, SECTION)].join('\n'),
    );
    result = await new Promise((done, fail) => {
      const bash = spawn('bash', ['-x', script], {
        cwd: server.workDir,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: server.env.PORT },
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
    await server?.close();
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
    await server.restart();
    const line = `The demo tenant's credentials are kept in ${server.credentialsFile}`;
    const said = await waitFor(
      () => Promise.resolve(server.output()),
      (output) => output.includes(line),
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    const lines = said.split('\n').filter(Boolean);
    expect(lines.map((text) => JSON.parse(text) as { msg: string })).toContainEqual(
      expect.objectContaining({ msg: line }),
    );
  });
});

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { TEST_JWT_SECRET, TEST_SECRETS_ENCRYPTION_KEY } from './test-app';

const ROOT = join(__dirname, '..', '..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the operator CLI (`src/cli/main.ts`, through ts-node: no build step) as a child process,
 * the way an operator's script would. The environment is only what is given plus PATH and HOME,
 * so nothing of the test process's configuration leaks in.
 */
export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/cli/main.ts', ...args],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          JWT_SECRET: TEST_JWT_SECRET,
          SECRETS_ENCRYPTION_KEY: TEST_SECRETS_ENCRYPTION_KEY,
          LOG_LEVEL: 'warn',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        // A hung command fails its test rather than the whole run.
        timeout: 60_000,
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

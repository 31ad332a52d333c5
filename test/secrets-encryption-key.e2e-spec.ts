import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { TenantAuthTokens } from '../src/auth/tenant-auth-tokens.service';
import type { TenantCredentials } from '../src/auth/tenants.service';
import { StartupError } from '../src/common/startup-error';
import { loadOrCreateDatabaseEncryptionKey } from '../src/database/generated-encryption-key';
import { tenantIdOf } from './factories/tenant.factory';
import { runCli, type CliResult } from './utils/cli';
import { createTestApp } from './utils/test-app';
import { createTestDatabase, type TestDatabase } from './utils/test-database';

/**
 * SECRETS_ENCRYPTION_KEY left unset outside production on an external PostgreSQL: one key is
 * generated and kept in the database, and every process of the deployment uses it.
 */
describe('SECRETS_ENCRYPTION_KEY generated into the database (no key, DATABASE_URL set)', () => {
  let database: TestDatabase;
  beforeAll(async () => (database = await createTestDatabase()));
  afterAll(() => database.drop());

  async function storedKeys(): Promise<{ name: string; value: string }[]> {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      return (
        await client.query<{ name: string; value: string }>(
          'SELECT name, value FROM generated_secrets',
        )
      ).rows;
    } finally {
      await client.end();
    }
  }

  it('is generated once: processes starting together agree on one 32-byte key, kept in one row', async () => {
    const keys = await Promise.all(
      Array.from({ length: 8 }, () => loadOrCreateDatabaseEncryptionKey(database.url)),
    );
    expect(keys[0]).toHaveLength(32);
    expect(new Set(keys.map((key) => key.toString('base64')))).toEqual(
      new Set([keys[0].toString('base64')]),
    );
    expect(await loadOrCreateDatabaseEncryptionKey(database.url)).toEqual(keys[0]);
    expect(await storedKeys()).toEqual([
      { name: 'secrets_encryption_key', value: keys[0].toString('base64') },
    ]);
  });

  it('is the key of every process: tenants created by two CLI runs with their own data directories both open under it', async () => {
    const dataDirs = await Promise.all([1, 2].map(() => mkdtemp(join(tmpdir(), 'fleethub-'))));
    let runs: CliResult[];
    try {
      runs = await Promise.all(
        dataDirs.map((dataDir, index) =>
          runCli(['tenant:create', '--name', `Shared key ${index}`, '--json'], {
            DATABASE_URL: database.url,
            DATA_DIR: dataDir,
            SECRETS_ENCRYPTION_KEY: '',
          }),
        ),
      );
    } finally {
      await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
    }
    expect(runs.map((run) => (run.code === 0 ? 0 : run.stderr))).toEqual([0, 0]);

    const key = await loadOrCreateDatabaseEncryptionKey(database.url);
    const testApp = await createTestApp({
      databaseUrl: database.url,
      env: { SECRETS_ENCRYPTION_KEY: key.toString('base64') },
    });
    try {
      for (const run of runs) {
        const tenant = JSON.parse(run.stdout) as TenantCredentials;
        const tenantId = await tenantIdOf(testApp, tenant.tenant);
        expect(await testApp.app.get(TenantAuthTokens).authTokenOf(tenantId)).toBe(
          tenant.authToken,
        );
      }
    } finally {
      await testApp.close();
    }
  }, 120_000);
});

describe('SECRETS_ENCRYPTION_KEY unset on a database without the migrations', () => {
  let database: TestDatabase;
  beforeAll(async () => (database = await createTestDatabase({ migrated: false })));
  afterAll(() => database.drop());

  it('stops start-up with a message that says what to do', async () => {
    const failure = loadOrCreateDatabaseEncryptionKey(database.url);
    await expect(failure).rejects.toBeInstanceOf(StartupError);
    await expect(failure).rejects.toThrow(
      'SECRETS_ENCRYPTION_KEY is not set and the database has no generated_secrets table to ' +
        'keep a generated one in: run the migrations (npm run migration:run) or set ' +
        'SECRETS_ENCRYPTION_KEY',
    );
  });
});

describe('SECRETS_ENCRYPTION_KEY unset in production', () => {
  it('stops the process before anything else, with one line naming it', async () => {
    const result = await runCli(['tenant:list', '--json'], {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      SECRETS_ENCRYPTION_KEY: '',
    });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'Invalid configuration: SECRETS_ENCRYPTION_KEY is required when NODE_ENV=production\n',
    });
  });
});

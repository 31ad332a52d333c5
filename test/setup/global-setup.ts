import { Client } from 'pg';
import Redis from 'ioredis';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadOrCreateLocalSecrets } from '../../src/config/local-secrets';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/database/embedded-postgres';
import { runMigrations } from '../../src/database/migrate';
import { TEST_ENV, databaseUrl } from './test-environment';

declare global {
  var fleethubEmbeddedPostgres: EmbeddedDatabase | undefined;
}

async function reachable(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** DATABASE_URL if set, else a local server on 127.0.0.1:5432, else an embedded PostgreSQL. */
async function adminUrl(): Promise<string> {
  const candidates = [process.env.DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/postgres'];
  for (const url of candidates) if (url && (await reachable(url))) return url;
  const dataDir = join(process.cwd(), '.data', 'test');
  const secrets = await loadOrCreateLocalSecrets(dataDir);
  const embedded = await startEmbeddedPostgres({
    dataDir,
    port: 54330,
    password: secrets.embeddedPostgresPassword,
  });
  globalThis.fleethubEmbeddedPostgres = embedded;
  process.env[TEST_ENV.embeddedDir] = dataDir;
  process.stdout.write('\n[e2e] No PostgreSQL server reachable: using an embedded one.\n');
  return embedded.url;
}

async function redisUrl(): Promise<string | undefined> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
  });
  try {
    await redis.connect();
    await redis.ping();
    return url;
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

/**
 * The dashboard's front end, built once per run: the apps of the suites serve `dist/web` as they
 * find it when they start, and so serve the front end of the sources under test. Its errors show.
 */
function buildDashboard(): void {
  execFileSync('npm', ['run', 'build:web'], {
    cwd: join(__dirname, '..', '..'),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export default async function globalSetup(): Promise<void> {
  buildDashboard();
  const admin = await adminUrl();
  const prefix = `fleethub_test_${randomBytes(4).toString('hex')}`;
  const template = `${prefix}_template`;
  const client = new Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${template}`);
  } finally {
    await client.end();
  }
  await runMigrations(databaseUrl(admin, template));

  const redis = await redisUrl();
  if (!redis) {
    if (process.env.REQUIRE_REDIS === '1') {
      throw new Error('REQUIRE_REDIS=1 but no Redis answers at REDIS_URL or 127.0.0.1:6379');
    }
    process.stdout.write(
      '\n[e2e] *** NO REDIS REACHABLE: the suites that need Redis will FAIL. ' +
        'Start Redis (or set REDIS_URL); CI sets REQUIRE_REDIS=1 and fails instead. ***\n',
    );
  }

  process.env[TEST_ENV.adminUrl] = admin;
  process.env[TEST_ENV.template] = template;
  process.env[TEST_ENV.runPrefix] = prefix;
  if (redis) process.env[TEST_ENV.redisUrl] = redis;
  else delete process.env[TEST_ENV.redisUrl];
}

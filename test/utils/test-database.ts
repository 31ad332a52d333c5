import { Client } from 'pg';
import { randomBytes } from 'node:crypto';
import { TEST_ENV, databaseUrl } from '../setup/test-environment';

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run the e2e suites through jest (global setup sets it)`);
  return value;
}

/** A fresh database cloned from the migrated template: each test file gets its own. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = required(TEST_ENV.adminUrl);
  const name = `${required(TEST_ENV.runPrefix)}_${randomBytes(4).toString('hex')}`;
  const client = new Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${required(TEST_ENV.template)}`);
  } finally {
    await client.end();
  }
  return {
    url: databaseUrl(admin, name),
    drop: async () => {
      const dropper = new Client({ connectionString: admin });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

export const testRedisUrl = (): string | undefined => process.env[TEST_ENV.redisUrl];

/**
 * `describe` for suites that need Redis. Without Redis they are reported loudly as skipped; with
 * REQUIRE_REDIS=1 global setup has already failed the run instead.
 */
export const describeWithRedis: jest.Describe = testRedisUrl()
  ? describe
  : (((name: string, fn: () => void) => {
      process.stdout.write(`[e2e] SKIPPED (no Redis): ${name}\n`);
      describe.skip(name, fn);
    }) as jest.Describe);

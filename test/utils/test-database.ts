import { Client } from 'pg';
import { randomBytes } from 'node:crypto';
import { TEST_ENV, databaseUrl } from '../setup/test-environment';

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run the e2e suites through jest (global setup sets it)`);
  return value;
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh database cloned from the migrated template: each test file gets its own. `migrated:
 * false` gives an empty one instead, for the tests of the migrations themselves.
 */
export async function createTestDatabase({ migrated = true } = {}): Promise<TestDatabase> {
  const admin = required(TEST_ENV.adminUrl);
  const name = `${required(TEST_ENV.runPrefix)}_${randomBytes(4).toString('hex')}`;
  const template = migrated ? ` TEMPLATE ${required(TEST_ENV.template)}` : '';
  const client = new Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}${template}`);
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
 * `describe` for suites that need Redis. Without Redis such a suite does not run and does not
 * pass either: it fails with one test that says what is missing (global setup has already failed
 * the whole run when REQUIRE_REDIS=1).
 */
export const describeWithRedis: (name: string, fn: () => void) => void = testRedisUrl()
  ? describe
  : (name) => {
      describe(name, () => {
        it('needs Redis', () => {
          throw new Error(
            'No Redis answers at REDIS_URL or 127.0.0.1:6379: start Redis to run this suite',
          );
        });
      });
    };

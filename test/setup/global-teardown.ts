import { Client } from 'pg';
import { TEST_ENV } from './test-environment';

/** Drops every database this run created, then stops the embedded PostgreSQL if setup started one. */
export default async function globalTeardown(): Promise<void> {
  const admin = process.env[TEST_ENV.adminUrl];
  const prefix = process.env[TEST_ENV.runPrefix];
  if (admin && prefix) {
    const client = new Client({ connectionString: admin });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1`,
        [`${prefix}\\_%`],
      );
      for (const { datname } of rows) {
        await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
    } finally {
      await client.end();
    }
  }
  await globalThis.fleethubEmbeddedPostgres?.stop();
}

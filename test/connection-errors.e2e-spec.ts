import type { Pool } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { createTestApp, type TestApp } from './utils/test-app';
import { waitFor } from './utils/wait';

describe('PostgreSQL connections lost while checked out', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ redis: false, env: { LIFECYCLE_INTERVAL_MINUTES: '0' } });
  });
  afterAll(async () => {
    await testApp?.close();
  });

  it('are heard, not left to crash the process, and the pool goes on', async () => {
    const pool = (testApp.dataSource.driver as PostgresDriver).master as Pool;
    const client = await pool.connect();
    // Without a listener, the error a server restart sends this idle connection would be thrown.
    expect(client.listenerCount('error')).toBeGreaterThan(0);
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    await testApp.dataSource.query('SELECT pg_terminate_backend($1)', [pid]);
    await waitFor(
      () =>
        client.query('SELECT 1').then(
          () => 'alive',
          () => 'broken',
        ),
      (state) => state === 'broken',
    );
    client.release(true);
    expect(await testApp.dataSource.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});

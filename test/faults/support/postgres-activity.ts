import { Client } from 'pg';
import { waitFor } from '../../utils/wait';

/**
 * Waits until a worker's session (FleetHub names its connections by role) has a transaction open
 * that has already written rows (it holds a transaction id): a worker in the middle of storing a
 * batch, not an API process touching an API key's last use. False if none is seen in time.
 */
export async function waitForOpenWrite(databaseUrl: string, timeoutMs = 30_000): Promise<boolean> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const probe = async () => {
      const { rows } = await client.query<{ open: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
                         WHERE datname = current_database()
                             AND application_name = 'fleethub-worker'
                           AND backend_xid IS NOT NULL) AS open`,
      );
      return rows[0].open;
    };
    return await waitFor(probe, Boolean, { timeoutMs, intervalMs: 5 });
  } finally {
    await client.end();
  }
}

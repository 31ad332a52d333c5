import { Logger } from '@nestjs/common';
import type { AppConfig, ResolvedAppConfig } from './config/app-config';
import { loadOrCreateLocalSecrets } from './config/local-secrets';
import { startEmbeddedPostgres } from './database/embedded-postgres';
import { runMigrations } from './database/migrate';

export interface Runtime {
  config: ResolvedAppConfig;
  /** True when FleetHub runs on its embedded PostgreSQL (no DATABASE_URL). */
  embedded: boolean;
  /** Stops what `prepareRuntime` started; call after the Nest app has closed. */
  shutdown(): Promise<void>;
}

export interface RuntimeOptions {
  /**
   * How long to wait for an external PostgreSQL that cannot be reached yet (starting up alongside
   * FleetHub, restarting) before giving up: a server waits, an operator's command fails at once.
   */
  waitForDatabaseMs?: number;
}

/**
 * Fills in what the embedded default leaves open (a local JWT secret and encryption key, the
 * embedded PostgreSQL) and brings the schema up to date. Shared by the server and the operator CLI.
 */
export async function prepareRuntime(
  config: AppConfig,
  { waitForDatabaseMs = 0 }: RuntimeOptions = {},
): Promise<Runtime> {
  const logger = new Logger('Runtime');
  const needsLocalSecrets =
    !config.database.url || !config.auth.jwt || !config.secrets.encryptionKey;
  const secrets = needsLocalSecrets ? await loadOrCreateLocalSecrets(config.dataDir) : undefined;

  const embedded =
    config.database.url || !secrets
      ? undefined
      : await startEmbeddedPostgres({
          dataDir: config.dataDir,
          port: config.database.embeddedPort,
          password: secrets.embeddedPostgresPassword,
        });
  const databaseUrl = config.database.url ?? embedded?.url;
  const jwt =
    config.auth.jwt ?? (secrets && { algorithm: 'HS256' as const, secret: secrets.jwtSecret });
  const encryptionKey =
    config.secrets.encryptionKey ??
    (secrets && Buffer.from(secrets.secretsEncryptionKey, 'base64'));
  if (!databaseUrl || !jwt || !encryptionKey) {
    throw new Error('unreachable: local defaults were not resolved');
  }

  const resolved: ResolvedAppConfig = {
    ...config,
    database: { ...config.database, url: databaseUrl },
    auth: { ...config.auth, jwt },
    secrets: { encryptionKey },
  };

  try {
    if (config.database.migrationsRun) await runMigrations(databaseUrl, waitForDatabaseMs);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }

  logger.log(
    `Database: ${embedded ? 'embedded PostgreSQL' : 'external PostgreSQL (DATABASE_URL)'}; ` +
      `queue and rate limits: ${config.redis.url ? 'Redis (REDIS_URL)' : 'in-process (no REDIS_URL)'}`,
  );
  return { config: resolved, embedded: Boolean(embedded), shutdown: async () => embedded?.stop() };
}

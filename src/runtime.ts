import { Logger } from '@nestjs/common';
import type { AppConfig, ResolvedAppConfig } from './config/app-config';
import { loadOrCreateLocalSecrets, type LocalSecrets } from './config/local-secrets';
import { startEmbeddedPostgres } from './database/embedded-postgres';
import { loadOrCreateDatabaseEncryptionKey } from './database/generated-encryption-key';
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
 * Fills in what the configuration leaves open outside production (a local JWT secret, the
 * embedded PostgreSQL, an encryption key: see `encryptionKey`) and brings the schema up to date.
 * Shared by the server and the operator CLI.
 */
export async function prepareRuntime(
  config: AppConfig,
  { waitForDatabaseMs = 0 }: RuntimeOptions = {},
): Promise<Runtime> {
  const logger = new Logger('Runtime');
  const needsLocalSecrets = !config.database.url || !config.auth.jwt;
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
  if (!databaseUrl || !jwt) throw new Error('unreachable: local defaults were not resolved');

  let key: Buffer;
  try {
    if (config.database.migrationsRun) await runMigrations(databaseUrl, waitForDatabaseMs);
    key = await encryptionKey(config, databaseUrl, secrets, waitForDatabaseMs);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  const resolved: ResolvedAppConfig = {
    ...config,
    database: { ...config.database, url: databaseUrl },
    auth: { ...config.auth, jwt },
    secrets: { encryptionKey: key },
  };

  logger.log(
    `Database: ${embedded ? 'embedded PostgreSQL' : 'external PostgreSQL (DATABASE_URL)'}; ` +
      `queue and rate limits: ${config.redis.url ? 'Redis (REDIS_URL)' : 'in-process (no REDIS_URL)'}`,
  );
  return { config: resolved, embedded: Boolean(embedded), shutdown: async () => embedded?.stop() };
}

/**
 * SECRETS_ENCRYPTION_KEY, or else (outside production: production requires it) one generated
 * once and kept with the other generated secrets: in the data directory on the embedded default,
 * in the database on an external PostgreSQL, where every process of the deployment finds it.
 */
async function encryptionKey(
  config: AppConfig,
  databaseUrl: string,
  localSecrets: LocalSecrets | undefined,
  waitForDatabaseMs: number,
): Promise<Buffer> {
  if (config.secrets.encryptionKey) return config.secrets.encryptionKey;
  if (config.database.url) return loadOrCreateDatabaseEncryptionKey(databaseUrl, waitForDatabaseMs);
  if (!localSecrets) throw new Error('unreachable: the embedded default has local secrets');
  return Buffer.from(localSecrets.secretsEncryptionKey, 'base64');
}

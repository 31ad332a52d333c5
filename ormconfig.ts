import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config';
import { buildDataSourceOptions } from './src/database/data-source-options';
import { embeddedDatabaseUrl } from './src/database/embedded-postgres';
import type { LocalSecrets } from './src/config/local-secrets';

/**
 * The DataSource of the TypeORM CLI (`npm run migration:run`): DATABASE_URL, or else the embedded
 * PostgreSQL of the embedded default, which must be running (`npm start`).
 */
function databaseUrl(): string {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);
  if (config.database.url) return config.database.url;
  const secretsFile = join(config.dataDir, 'secrets.json');
  if (!existsSync(secretsFile)) {
    throw new Error('Set DATABASE_URL, or start FleetHub once so the embedded PostgreSQL exists');
  }
  const secrets = JSON.parse(readFileSync(secretsFile, 'utf8')) as LocalSecrets;
  return embeddedDatabaseUrl({
    dataDir: config.dataDir,
    port: config.database.embeddedPort,
    password: secrets.embeddedPostgresPassword,
  });
}

export default new DataSource(buildDataSourceOptions(databaseUrl()));

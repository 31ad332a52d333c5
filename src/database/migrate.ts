import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options';

/** Any fixed 64-bit number: every FleetHub process contends for the same lock. */
const MIGRATION_LOCK_KEY = 7_316_044_212;

/**
 * Runs pending migrations while holding a PostgreSQL advisory lock, so several processes starting
 * at once against one database apply each migration exactly once.
 */
export async function runMigrations(url: string): Promise<string[]> {
  const logger = new Logger('Migrations');
  // One connection: the advisory lock belongs to a session, so the migrations must run on it.
  const dataSource = new DataSource(buildDataSourceOptions(url, 1));
  await dataSource.initialize();
  try {
    await dataSource.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      for (const migration of applied) logger.log(`Applied migration ${migration.name}`);
      return applied.map((migration) => migration.name);
    } finally {
      await dataSource.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await dataSource.destroy();
  }
}

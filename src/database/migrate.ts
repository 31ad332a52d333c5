import { Logger } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { isServerUnavailable } from './connection-errors';
import { buildDataSourceOptions } from './data-source-options';

/** Any fixed 64-bit number: every FleetHub process contends for the same lock. */
const MIGRATION_LOCK_KEY = 7_316_044_212;

/**
 * Runs pending migrations while holding a PostgreSQL advisory lock, so several processes starting
 * at once against one database apply each migration exactly once. While PostgreSQL cannot be
 * reached (not yet up, restarting) it tries again for up to `waitForServerMs`; each migration runs
 * in a transaction of its own, so one interrupted is simply applied again.
 */
export async function runMigrations(url: string, waitForServerMs = 0): Promise<string[]> {
  const logger = new Logger('Migrations');
  return whileUnavailable(() => migrate(url, logger), waitForServerMs, logger);
}

/**
 * `action`, tried again while PostgreSQL cannot be reached (not yet up, restarting), for up to
 * `waitForServerMs`; any other failure at once.
 */
export async function whileUnavailable<T>(
  action: () => Promise<T>,
  waitForServerMs: number,
  logger: Logger,
): Promise<T> {
  const deadline = Date.now() + waitForServerMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      if (!isServerUnavailable(error) || Date.now() >= deadline) throw error;
      logger.warn(`PostgreSQL is not available (${(error as Error).message}); trying again`);
      await delay(Math.min(attempt, 5) * 1000);
    }
  }
}

async function migrate(url: string, logger: Logger): Promise<string[]> {
  // One connection: the advisory lock belongs to a session, so the migrations must run on it.
  const dataSource = new DataSource(buildDataSourceOptions(url, 1, 'fleethub-migrations'));
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

import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type QueryRunner } from 'typeorm';
import { APP_CONFIG, type ResolvedAppConfig } from '../config/app-config';
import { monthPartition, monthsAround, type Month } from '../devices/position-partitions';
import { PartitionMaintainer } from './partition-maintainer';
import { RetentionEnforcer, type DeletedRows } from './retention-enforcer';
import { KEEP_FOREVER } from './tenant-retention.service';

/** Any fixed 64-bit number: one process of the fleet runs the job at a time. */
export const LIFECYCLE_LOCK_KEY = 7_316_044_213;
const DAY_MS = 86_400_000;

export interface LifecycleReport {
  partitionsCreated: Month[];
  /** Rows moved out of the default partition into the new ones. */
  rowsMoved: number;
  partitionsDropped: Month[];
  deleted: DeletedRows;
  /** Partition changes that could not take their lock in time; the next run tries again. */
  deferred: Month[];
}

/**
 * The data-lifecycle job, run by workers (and by the single process of the embedded default):
 * keeps a calendar window of monthly partitions of `positions` (PARTITION_MONTHS_BEHIND months
 * before the current one to PARTITION_MONTHS_AHEAD after it), and applies each tenant's retention.
 * Rows of a month outside the window stay in the default partition, kept and deleted like any
 * other: a batch dated across decades adds no partition, so no input slows every tenant's queries.
 * Data older than every tenant's retention goes by whole partitions; a tenant that keeps less
 * than the others loses its older rows in small batches. Runs at start-up, then every
 * LIFECYCLE_INTERVAL_MINUTES, under an advisory lock so one process of the fleet does it.
 */
@Injectable()
export class DataLifecycleService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DataLifecycleService.name);
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ResolvedAppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.lifecycle.intervalMs > 0) this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One run; null when another process is running the job. */
  async run(now = new Date()): Promise<LifecycleReport | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      // A session lock, on the runner's own connection: the job spans many transactions.
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [
        LIFECYCLE_LOCK_KEY,
      ])) as { locked: boolean }[];
      if (!locked) return null;
      try {
        return await this.runLocked(runner, now);
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [LIFECYCLE_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.running = this.run()
        .then((report) => report && this.log(report))
        .catch((error: Error) => this.logger.error(`Data-lifecycle run failed: ${error.message}`))
        .finally(() => {
          if (!this.stopping) this.schedule(this.config.lifecycle.intervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  private async runLocked(runner: QueryRunner, now: Date): Promise<LifecycleReport> {
    const report: LifecycleReport = {
      partitionsCreated: [],
      rowsMoved: 0,
      partitionsDropped: [],
      deleted: { positions: 0, events: 0, messages: 0 },
      deferred: [],
    };
    const tenants = await this.retentions(runner);
    const longest = tenants.some((tenant) => tenant.days === undefined)
      ? undefined
      : Math.max(...tenants.map((tenant) => tenant.days ?? 0));
    // Months that end before this are past every tenant's retention (undefined: none is).
    const allExpiredBefore =
      longest === undefined || tenants.length === 0
        ? undefined
        : new Date(now.getTime() - longest * DAY_MS);
    const expired = (month: Month) =>
      allExpiredBefore !== undefined &&
      Date.parse(monthPartition(month)?.to ?? '') <= allExpiredBefore.getTime();

    const partitions = new PartitionMaintainer(runner);
    const existing = new Set(await partitions.months());
    const { partitionMonthsBehind, partitionMonthsAhead } = this.config.lifecycle;
    const wanted = monthsAround(now, partitionMonthsBehind, partitionMonthsAhead).filter(
      (month) => !expired(month),
    );
    for (const month of wanted) {
      if (existing.has(month) || this.stopping) continue;
      await this.deferOnLockTimeout(report, month, async () => {
        const moved = await partitions.create(month);
        if (moved === undefined) return;
        report.partitionsCreated.push(month);
        report.rowsMoved += moved;
      });
    }
    for (const month of existing) {
      if (!expired(month) || this.stopping) continue;
      await this.deferOnLockTimeout(report, month, async () => {
        await partitions.drop(month);
        report.partitionsDropped.push(month);
      });
    }

    const enforcer = new RetentionEnforcer(runner, await partitions.months(), () => this.stopping);
    for (const tenant of tenants) {
      if (tenant.days === undefined || this.stopping) continue;
      const deleted = await enforcer.deleteBefore(
        tenant.id,
        new Date(now.getTime() - tenant.days * DAY_MS),
      );
      report.deleted.positions += deleted.positions;
      report.deleted.events += deleted.events;
      report.deleted.messages += deleted.messages;
    }
    return report;
  }

  /** Every tenant's retention in days; undefined: forever. */
  private async retentions(runner: QueryRunner): Promise<{ id: string; days?: number }[]> {
    const rows = (await runner.query('SELECT id, retention_days FROM tenants')) as {
      id: string;
      retention_days: number | null;
    }[];
    const serverDays = this.config.lifecycle.retentionDays;
    return rows.map((row) => ({
      id: row.id,
      days: row.retention_days === KEEP_FOREVER ? undefined : (row.retention_days ?? serverDays),
    }));
  }

  /** Runs a partition change; one that could not take its lock in time waits for the next run. */
  private async deferOnLockTimeout(
    report: LifecycleReport,
    month: Month,
    change: () => Promise<void>,
  ): Promise<void> {
    try {
      await change();
    } catch (error) {
      // 55P03: lock_not_available, from lock_timeout (see PartitionMaintainer).
      if ((error as { code?: string }).code !== '55P03') throw error;
      report.deferred.push(month);
    }
  }

  private log(report: LifecycleReport): void {
    const { deleted } = report;
    this.logger.log(
      `Data lifecycle: partitions created [${report.partitionsCreated.join(', ')}] ` +
        `(${report.rowsMoved} rows moved from the default partition), ` +
        `dropped [${report.partitionsDropped.join(', ')}], deferred [${report.deferred.join(', ')}]; ` +
        `deleted ${deleted.positions} positions, ${deleted.events} events, ` +
        `${deleted.messages} tracker messages past their retention`,
    );
  }
}

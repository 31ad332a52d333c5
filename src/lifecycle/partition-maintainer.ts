import type { QueryRunner } from 'typeorm';
import {
  POSITIONS_DEFAULT_PARTITION,
  monthOfPartition,
  monthPartition,
  type Month,
  type MonthPartition,
} from '../devices/position-partitions';

/**
 * How long a partition change waits for its lock before giving up until the next run. Detaching
 * takes an exclusive lock on `positions` and writes queue behind a waiting request: the wait must
 * stay short, whatever long read (an export) holds the table.
 */
const LOCK_TIMEOUT = '1s';

/** Creates and drops the monthly partitions of `positions` (see devices/position-partitions.ts). */
export class PartitionMaintainer {
  constructor(private readonly runner: QueryRunner) {}

  /** The months that have a partition of their own, oldest first. */
  async months(): Promise<Month[]> {
    const rows = (await this.runner.query(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'positions'::regclass`,
    )) as { name: string }[];
    return rows
      .map((row) => monthOfPartition(row.name))
      .filter((month): month is Month => month !== undefined)
      .sort();
  }

  /**
   * Gives a month its partition, moving that month's rows out of the default partition in the same
   * transaction (PostgreSQL refuses a partition whose rows are still in the default one).
   * Attaching (unlike CREATE … PARTITION OF) leaves `positions` open to reads and writes; only
   * statements that reach the default partition wait, for as long as its few rows take to move
   * and check. Returns the rows moved, or undefined when the month cannot have a partition.
   */
  async create(month: Month): Promise<number | undefined> {
    const partition = monthPartition(month);
    if (!partition) return undefined;
    return this.inTransaction(async () => {
      // The attach locks the default partition anyway. Taking that lock before the move keeps a
      // writer replaying one of the rows being moved out of a deadlock (its unique check would
      // wait for this transaction's delete, and the attach for the writer's lock). A write routed
      // to the default partition meanwhile waits, and fails if its row is of this month (it was
      // routed before the partition existed); the telemetry writer then starts it again at once.
      await this.runner.query(`LOCK TABLE ${POSITIONS_DEFAULT_PARTITION} IN ACCESS EXCLUSIVE MODE`);
      await this.runner.query(
        `CREATE TABLE ${partition.name} (LIKE positions INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
      );
      const moved = await this.runner.query(
        `WITH moved AS (
           DELETE FROM ${POSITIONS_DEFAULT_PARTITION} WHERE ${inRange(partition)} RETURNING *
         )
         INSERT INTO ${partition.name} SELECT * FROM moved`,
        [],
        true,
      );
      await this.runner.query(
        `ALTER TABLE positions ATTACH PARTITION ${partition.name}
         FOR VALUES FROM ('${partition.from}') TO ('${partition.to}')`,
      );
      return (moved as { affected?: number }).affected ?? 0;
    });
  }

  /**
   * Detaches and drops a month's partition: its rows are gone at once, no row-by-row delete.
   * DETACH … CONCURRENTLY would spare `positions` its exclusive lock, but PostgreSQL refuses it on
   * a table with a default partition (and inside a transaction). The plain detach holds that lock
   * for a catalog change and the unlinking of the files, milliseconds; waiting for it is what
   * could stall ingestion (writes queue behind the waiting request), hence LOCK_TIMEOUT.
   */
  async drop(month: Month): Promise<void> {
    const partition = monthPartition(month);
    if (!partition) return;
    await this.inTransaction(async () => {
      await this.runner.query(`ALTER TABLE positions DETACH PARTITION ${partition.name}`);
      await this.runner.query(`DROP TABLE ${partition.name}`);
    });
  }

  private async inTransaction<T>(work: () => Promise<T>): Promise<T> {
    await this.runner.startTransaction();
    try {
      await this.runner.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      const result = await work();
      await this.runner.commitTransaction();
      return result;
    } catch (error) {
      await this.runner.rollbackTransaction();
      throw error;
    }
  }
}

const inRange = (partition: MonthPartition) =>
  `recorded_at >= '${partition.from}' AND recorded_at < '${partition.to}'`;

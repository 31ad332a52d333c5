import type { QueryRunner } from 'typeorm';
import {
  POSITIONS_DEFAULT_PARTITION,
  monthPartition,
  type Month,
} from '../devices/position-partitions';

/** Rows one statement deletes: each is its own short transaction, so ingestion never waits long. */
const BATCH_ROWS = 5000;
/** Devices one statement looks at: each is an index range of the primary key. */
const DEVICES_PER_STATEMENT = 1000;

export interface DeletedRows {
  positions: number;
  events: number;
  messages: number;
}

/**
 * Deletes a tenant's rows older than a cutoff, by device time, in batches: positions and events
 * along their (device_id, time) primary keys, Asset Tracker messages along theirs (tenant,
 * tracker, time). Whole months of every tenant go faster, by dropping partitions (see
 * DataLifecycleService); this is for the tenants that keep less than the others.
 */
export class RetentionEnforcer {
  constructor(
    private readonly runner: QueryRunner,
    /** The months of `positions` that have a partition of their own. */
    private readonly months: Month[],
    /** Asked between batches: a stopping process leaves the rest to the next run. */
    private readonly stopping: () => boolean,
  ) {}

  async deleteBefore(tenantId: string, cutoff: Date): Promise<DeletedRows> {
    const deleted: DeletedRows = { positions: 0, events: 0, messages: 0 };
    const devices = (await this.runner.query(
      `SELECT id, external_id, kind FROM devices WHERE tenant_id = $1 ORDER BY id`,
      [tenantId],
    )) as { id: string; external_id: string; kind: string }[];
    // Partition by partition: a batch deleted through `positions` itself is planned as a join
    // with every partition, which PostgreSQL ran as a scan of the whole table for each batch.
    const positionTables = [
      ...this.months.flatMap((month) => {
        const partition = monthPartition(month);
        return partition && Date.parse(partition.from) < cutoff.getTime() ? [partition.name] : [];
      }),
      POSITIONS_DEFAULT_PARTITION,
    ];
    for (let start = 0; start < devices.length; start += DEVICES_PER_STATEMENT) {
      const chunk = devices.slice(start, start + DEVICES_PER_STATEMENT);
      const ids = chunk.map((device) => device.id);
      for (const table of positionTables) {
        deleted.positions += await this.inBatches(
          table,
          'device_id = ANY($1::bigint[]) AND recorded_at < $2',
          [ids, cutoff],
        );
      }
      deleted.events += await this.inBatches(
        'device_events',
        'device_id = ANY($1::bigint[]) AND occurred_at < $2',
        [ids, cutoff],
      );
      const trackers = chunk
        .filter((device) => device.kind === 'asset-tracker')
        .map((device) => device.external_id);
      if (trackers.length > 0) {
        deleted.messages += await this.inBatches(
          'tracker_messages',
          'tenant_id = $1 AND tracker_id = ANY($2::text[]) AND recorded_at < $3',
          [tenantId, trackers, cutoff],
        );
      }
    }
    return deleted;
  }

  /**
   * Deletes the rows of `table` that match `where`, a batch per statement, until a statement
   * deletes less than a batch; the rows it deleted in all. Each batch is found through the index
   * and deleted by row address (a TID scan): these rows are never updated, so the address the
   * inner select read is the row the delete removes.
   */
  private async inBatches(table: string, where: string, parameters: unknown[]): Promise<number> {
    const sql = `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(
      SELECT ctid FROM ${table} WHERE ${where} LIMIT ${BATCH_ROWS}))`;
    let total = 0;
    while (!this.stopping()) {
      const result = (await this.runner.query(sql, parameters, true)) as { affected?: number };
      const affected = result.affected ?? 0;
      total += affected;
      if (affected < BATCH_ROWS) break;
    }
    return total;
  }
}

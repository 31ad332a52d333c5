import type { QueryRunner } from 'typeorm';

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
    /** Asked between batches: a stopping process leaves the rest to the next run. */
    private readonly stopping: () => boolean,
  ) {}

  async deleteBefore(tenantId: string, cutoff: Date): Promise<DeletedRows> {
    const deleted: DeletedRows = { positions: 0, events: 0, messages: 0 };
    const devices = (await this.runner.query(
      `SELECT id, external_id, kind FROM devices WHERE tenant_id = $1 ORDER BY id`,
      [tenantId],
    )) as { id: string; external_id: string; kind: string }[];
    for (let start = 0; start < devices.length; start += DEVICES_PER_STATEMENT) {
      const chunk = devices.slice(start, start + DEVICES_PER_STATEMENT);
      const ids = chunk.map((device) => device.id);
      deleted.positions += await this.inBatches(
        `DELETE FROM positions WHERE (device_id, recorded_at, eventcode) IN (
           SELECT device_id, recorded_at, eventcode FROM positions
           WHERE device_id = ANY($1::bigint[]) AND recorded_at < $2 LIMIT ${BATCH_ROWS})`,
        [ids, cutoff],
      );
      deleted.events += await this.inBatches(
        `DELETE FROM device_events WHERE (device_id, occurred_at, type) IN (
           SELECT device_id, occurred_at, type FROM device_events
           WHERE device_id = ANY($1::bigint[]) AND occurred_at < $2 LIMIT ${BATCH_ROWS})`,
        [ids, cutoff],
      );
      const trackers = chunk
        .filter((device) => device.kind === 'asset-tracker')
        .map((device) => device.external_id);
      if (trackers.length > 0) {
        deleted.messages += await this.inBatches(
          `DELETE FROM tracker_messages WHERE (tenant_id, tracker_id, recorded_at, body_hash) IN (
             SELECT tenant_id, tracker_id, recorded_at, body_hash FROM tracker_messages
             WHERE tenant_id = $1 AND tracker_id = ANY($2::text[]) AND recorded_at < $3
             LIMIT ${BATCH_ROWS})`,
          [tenantId, trackers, cutoff],
        );
      }
    }
    return deleted;
  }

  /** Runs a batch delete until it deletes less than a batch; the rows it deleted in all. */
  private async inBatches(sql: string, parameters: unknown[]): Promise<number> {
    let total = 0;
    for (;;) {
      const result = (await this.runner.query(sql, parameters, true)) as { affected?: number };
      const affected = result.affected ?? 0;
      total += affected;
      if (affected < BATCH_ROWS || this.stopping()) return total;
    }
  }
}

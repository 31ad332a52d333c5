import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, type EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { copyLine } from './copy-text';
import type { DeviceDataBatch, WriteResult } from './device-data';
import { deviceKey, deviceRows, eventRows, positionRows } from './device-data.rows';
import {
  COPY_POSITIONS_SQL,
  INSERT_EVENTS_SQL,
  INSERT_POSITIONS_SQL,
  UPSERT_DEVICES_SQL,
  type NewPositionRow,
} from './device-data.sql';
import { LiveAnnouncer, type CommittedWrite } from './live/live-announcer';
import { POSITION_COLUMN_NAMES } from './position-columns';
import { POSITIONS_DEFAULT_PARTITION } from './position-partitions';

/** PostgreSQL's unique_violation: a position already stored (a replayed or duplicated job). */
const isUniqueViolation = (error: unknown) =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';

/**
 * A row routed to the default partition just before the data-lifecycle job gave its month a
 * partition of its own (PostgreSQL routes by the partitions a statement started with, then checks
 * the default partition's new bounds). The same write, started again, routes to the new partition.
 */
const isRoutedBeforeAttach = (error: unknown) => {
  const { code, table } = (error ?? {}) as { code?: unknown; table?: unknown };
  return code === '23514' && table === POSITIONS_DEFAULT_PARTITION;
};

/** Runs one statement; its rows. */
type Query = <T = unknown>(sql: string, params: unknown[]) => Promise<T[]>;

/**
 * Persists batches of positions and events, set-based, in one transaction: devices are upserted
 * first (their latest and last-fixed positions, and their reported state, moved only forward by
 * device time), then the positions go in by COPY, then the events. Positions and events have
 * natural keys, so a replayed or duplicated batch stores nothing twice: COPY cannot skip a row it
 * already has, so when one is there (a retried job) the positions are inserted again with
 * `ON CONFLICT DO NOTHING` instead, at a third of the speed, which only replays pay.
 *
 * Several batches (of any tenants) can share one transaction: a worker under load commits many
 * jobs at once instead of paying a WAL flush per job. A caller that stores more in the same
 * transaction runs it through `inTransaction`; the positions then go in by the insert (no COPY on
 * a borrowed connection), which suits the small batches such callers write.
 *
 * Live streams hear of what was stored once it is committed, from the writer itself: after its own
 * transaction, or after the caller's.
 */
@Injectable()
export class DeviceDataWriter {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly announcer: LiveAnnouncer,
  ) {}

  /** Stores the batches in a transaction of their own. */
  async write(batches: DeviceDataBatch[]): Promise<WriteResult> {
    const result = await this.storeByCopy(batches);
    await this.announcer.announce([{ batches, result }]);
    return result;
  }

  /**
   * Runs `work` in one transaction, with the transaction's manager for its own statements and a
   * `write` that stores batches in the same transaction. Nothing is announced unless it commits.
   */
  async inTransaction<T>(
    work: (
      manager: EntityManager,
      write: (batches: DeviceDataBatch[]) => Promise<WriteResult>,
    ) => Promise<T>,
  ): Promise<T> {
    const written: CommittedWrite[] = [];
    const outcome = await this.dataSource.transaction((manager) =>
      work(manager, async (batches) => {
        const result = await store(batches, <T>(sql: string, params: unknown[]) =>
          manager.query<T[]>(sql, params),
        );
        written.push({ batches, result });
        return result;
      }),
    );
    await this.announcer.announce(written);
    return outcome;
  }

  private async storeByCopy(batches: DeviceDataBatch[]): Promise<WriteResult> {
    try {
      return await this.storeByCopyOnce(batches);
    } catch (error) {
      if (!isRoutedBeforeAttach(error)) throw error;
      return this.storeByCopyOnce(batches);
    }
  }

  private async storeByCopyOnce(batches: DeviceDataBatch[]): Promise<WriteResult> {
    // COPY needs the driver's own connection: one from TypeORM's pool, returned after.
    const driver = this.dataSource.driver as PostgresDriver;
    const [client, release] = (await driver.obtainMasterConnection()) as [
      PoolClient,
      (error?: unknown) => void,
    ];
    let broken: unknown;
    // While borrowed, the connection's errors are ours to take (a server restart emits one on it):
    // unheard, they would crash the process. The pool then discards the connection.
    const onError = (error: unknown) => (broken = error);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await store(
        batches,
        async <T>(sql: string, params: unknown[]) => (await client.query(sql, params)).rows as T[],
        (rows) => copyPositions(client, rows),
      );
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A connection that cannot even roll back goes back to the pool to be discarded.
      await client.query('ROLLBACK').catch((rollbackError: unknown) => (broken = rollbackError));
      throw error;
    } finally {
      client.removeListener('error', onError);
      release(broken);
    }
  }
}

/** Devices, then positions (by `copy` when given), then events, on one transaction's connection. */
async function store(
  batches: DeviceDataBatch[],
  query: Query,
  copy?: (rows: NewPositionRow[]) => Promise<void>,
): Promise<WriteResult> {
  const ids = await upsertDevices(query, batches);
  const positions = await insertPositions(query, positionRows(batches, ids), copy);
  const events = await insertEvents(query, eventRows(batches, ids));
  return { positions, events };
}

/** Upserts the batches' devices; their ids by `deviceKey`. */
async function upsertDevices(
  query: Query,
  batches: DeviceDataBatch[],
): Promise<Map<string, string>> {
  const rows = await query<{ id: string; tenant_id: string; external_id: string }>(
    UPSERT_DEVICES_SQL,
    [JSON.stringify(deviceRows(batches))],
  );
  return new Map(rows.map((row) => [deviceKey(row.tenant_id, row.external_id), row.id]));
}

/** COPY, or the idempotent insert when some of the rows are already stored. Rows new to the database. */
async function insertPositions(
  query: Query,
  rows: NewPositionRow[],
  copy?: (rows: NewPositionRow[]) => Promise<void>,
): Promise<number> {
  if (rows.length === 0) return 0;
  if (copy) {
    await query('SAVEPOINT positions_copy', []);
    try {
      await copy(rows);
      await query('RELEASE SAVEPOINT positions_copy', []);
      return rows.length;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await query('ROLLBACK TO SAVEPOINT positions_copy', []);
    }
  }
  return (await query(INSERT_POSITIONS_SQL, [JSON.stringify(rows)])).length;
}

async function copyPositions(client: PoolClient, rows: NewPositionRow[]): Promise<void> {
  const copy = client.query(copyFrom(COPY_POSITIONS_SQL));
  const text = rows.map((row) => copyLine(POSITION_COLUMN_NAMES, row)).join('');
  await pipeline(Readable.from([text]), copy);
}

async function insertEvents(query: Query, rows: ReturnType<typeof eventRows>): Promise<number> {
  if (rows.length === 0) return 0;
  return (await query(INSERT_EVENTS_SQL, [JSON.stringify(rows)])).length;
}

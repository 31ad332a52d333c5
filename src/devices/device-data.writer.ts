import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { copyFromStdin } from './copy-from-stdin';
import type { DeviceDataBatch, WriteResult } from './device-data';
import {
  deviceIds,
  deviceRows,
  eventRows,
  positionCopyText,
  positionRows,
  type DeviceIds,
} from './device-data.rows';
import {
  COPY_POSITIONS_SQL,
  INSERT_POSITIONS,
  UPSERT_DEVICES_AND_EVENTS,
  type Statement,
} from './device-data.sql';
import { LiveAnnouncer, type CommittedWrite } from './live/live-announcer';
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

/** Runs one of the writer's statements; its rows. */
type Query = <T = unknown>(statement: Statement, params: unknown[]) => Promise<T[]>;

/**
 * Persists batches of positions and events, set-based, in one transaction of three round trips:
 * BEGIN; the devices upserted (their latest and last-fixed positions, and their reported state,
 * moved only forward by device time) together with the events, in one statement; the positions by
 * COPY, sent with the COMMIT. Positions and events have natural keys, so a replayed or duplicated
 * batch stores nothing twice: the events are inserted with `ON CONFLICT DO NOTHING`; COPY cannot
 * skip a row it already has, so when one is there (a retried job) the transaction is rolled back
 * and written again with the positions inserted with `ON CONFLICT DO NOTHING` instead, at a third
 * of the speed, which only replays pay.
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
    const result = await this.storeInOwnTransaction(batches);
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
        const result = await store(batches, <T>(statement: Statement, params: unknown[]) =>
          manager.query<T[]>(statement.text, params),
        );
        written.push({ batches, result });
        return result;
      }),
    );
    await this.announcer.announce(written);
    return outcome;
  }

  /** By COPY; again by the idempotent insert if some positions were there already. */
  private async storeInOwnTransaction(batches: DeviceDataBatch[]): Promise<WriteResult> {
    let byCopy = true;
    let routedBeforeAttach = false;
    for (;;) {
      try {
        return await this.transaction(batches, byCopy);
      } catch (error) {
        if (byCopy && isUniqueViolation(error)) byCopy = false;
        else if (!routedBeforeAttach && isRoutedBeforeAttach(error)) routedBeforeAttach = true;
        else throw error;
      }
    }
  }

  private async transaction(batches: DeviceDataBatch[], byCopy: boolean): Promise<WriteResult> {
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
    const query: Query = async <T>({ name, text }: Statement, values: unknown[]) =>
      (await client.query({ name, text, values })).rows as T[];
    try {
      await client.query('BEGIN');
      const { ids, events } = await upsertDevicesAndEvents(query, batches);
      const count = positionCount(batches);
      if (byCopy && count > 0) {
        await copyPositionsAndCommit(client, positionCopyText(batches, ids));
        return { positions: count, events };
      }
      const positions = await insertPositions(query, batches, ids);
      await client.query('COMMIT');
      return { positions, events };
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

/** Stores the batches with the insert, on a transaction's connection. */
async function store(batches: DeviceDataBatch[], query: Query): Promise<WriteResult> {
  const { ids, events } = await upsertDevicesAndEvents(query, batches);
  return { positions: await insertPositions(query, batches, ids), events };
}

const positionCount = (batches: DeviceDataBatch[]) =>
  batches.reduce((sum, batch) => sum + batch.positions.length, 0);

/** Upserts the batches' devices and inserts their events; the devices' row ids, and how many events were new. */
async function upsertDevicesAndEvents(
  query: Query,
  batches: DeviceDataBatch[],
): Promise<{ ids: DeviceIds; events: number }> {
  const devices = deviceRows(batches);
  if (devices.length === 0) return { ids: new Map(), events: 0 };
  const rows = await query<{
    id: string;
    tenant_id: string;
    external_id: string;
    new_events: number;
  }>(UPSERT_DEVICES_AND_EVENTS, [JSON.stringify(devices), JSON.stringify(eventRows(batches))]);
  return {
    ids: deviceIds(rows),
    events: rows[0].new_events,
  };
}

/** The idempotent insert, which skips positions already stored; how many were new. */
async function insertPositions(
  query: Query,
  batches: DeviceDataBatch[],
  ids: DeviceIds,
): Promise<number> {
  if (positionCount(batches) === 0) return 0;
  return (await query(INSERT_POSITIONS, [JSON.stringify(positionRows(batches, ids))])).length;
}

/**
 * The positions by COPY, then COMMIT, sent together: the transaction ends without another round
 * trip. COPY fails on a position already stored, and COMMIT is then never run.
 */
function copyPositionsAndCommit(client: PoolClient, text: string): Promise<void> {
  return copyFromStdin(client, `${COPY_POSITIONS_SQL}; COMMIT`, text);
}

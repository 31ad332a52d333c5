import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, type EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { DeviceDataBatch, DeviceStateInput, PositionInput, WriteResult } from './device-data';
import type { DeviceKind } from './entities/device.entity';
import { LiveAnnouncer, type CommittedWrite } from './live/live-announcer';
import { POSITIONS_DEFAULT_PARTITION } from './position-partitions';

interface DeviceRow {
  tenantId: string;
  deviceExternalId: string;
  kind: DeviceKind;
  seenAt: string;
  latest?: PositionInput;
  lastFix?: PositionInput;
  /** Device times of `latest` and `lastFix` (epoch ms), so each position's is parsed once. */
  latestMs: number;
  lastFixMs: number;
  state?: DeviceStateInput;
}

const newerState = (a: DeviceStateInput, b: DeviceStateInput | undefined) =>
  !b || Date.parse(a.reportedAt) > Date.parse(b.reportedAt);

/** One row per device: when it was last heard from, and its newest (and newest fixed) position. */
function deviceRows(batches: DeviceDataBatch[]): DeviceRow[] {
  const devices = new Map<string, DeviceRow>();
  const device = (batch: DeviceDataBatch, externalId: string) => {
    const key = `${batch.tenantId}/${externalId}`;
    let row = devices.get(key);
    if (!row) {
      row = {
        tenantId: batch.tenantId,
        deviceExternalId: externalId,
        kind: batch.kind,
        seenAt: batch.receivedAt,
        latestMs: -Infinity,
        lastFixMs: -Infinity,
      };
      devices.set(key, row);
    }
    if (batch.receivedAt > row.seenAt) row.seenAt = batch.receivedAt;
    return row;
  };
  for (const batch of batches) {
    for (const position of batch.positions) {
      const row = device(batch, position.deviceExternalId);
      const at = Date.parse(position.recordedAt);
      if (at > row.latestMs) {
        row.latest = position;
        row.latestMs = at;
      }
      if (position.fix && at > row.lastFixMs) {
        row.lastFix = position;
        row.lastFixMs = at;
      }
    }
    for (const event of batch.events) device(batch, event.deviceExternalId);
    for (const state of batch.states ?? []) {
      const row = device(batch, state.deviceExternalId);
      if (newerState(state, row.state)) row.state = state;
    }
  }
  // One lock order for every writer, so concurrent statements on the same devices do not deadlock.
  return [...devices.keys()].sort().map((key) => devices.get(key)!);
}

/** What `latest_position` / `last_fix_position` hold: the position without its device id. */
function snapshot(position: PositionInput | undefined): Record<string, unknown> | null {
  if (!position) return null;
  return Object.fromEntries(
    Object.entries(position).filter(
      ([key, value]) => key !== 'deviceExternalId' && value !== undefined && value !== null,
    ),
  );
}

/** The columns of `positions`, in the order of the COPY rows. */
const POSITION_COLUMNS = [
  'device_id',
  'recorded_at',
  'eventcode',
  'tenant_id',
  'received_at',
  'source',
  'fix',
  'lat',
  'lon',
  'altitude',
  'speed',
  'heading',
  'satellites',
  'ignition',
  'accuracy',
  'odometer',
  'horometer',
  'address',
  'temperature',
  'battery',
  'extra',
] as const;

type CopyValue = string | number | boolean | Record<string, unknown> | null | undefined;
type PositionRow = Record<(typeof POSITION_COLUMNS)[number], CopyValue>;

const COPY_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};
const COPY_SPECIAL = /[\\\t\n\r]/;

/** One value in COPY's text format: `\N` for NULL, objects as JSON, specials backslash-escaped. */
function copyValue(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return COPY_SPECIAL.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]) : text;
}

const copyLine = (row: PositionRow) =>
  `${POSITION_COLUMNS.map((column) => copyValue(row[column])).join('\t')}\n`;

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
  copy?: (rows: PositionRow[]) => Promise<void>,
): Promise<WriteResult> {
  const ids = await upsertDevices(query, batches);
  const positions = await insertPositions(query, positionRows(batches, ids), copy);
  const events = await insertEvents(query, eventRows(batches, ids));
  return { positions, events };
}

const deviceKey = (tenantId: string, externalId: string) => `${tenantId}/${externalId}`;

/** Upserts the batches' devices; their ids by `deviceKey`. */
async function upsertDevices(
  query: Query,
  batches: DeviceDataBatch[],
): Promise<Map<string, string>> {
  const devices = deviceRows(batches).map(
    ({ tenantId, deviceExternalId, kind, seenAt, latest, lastFix, state }) => ({
      tenantId,
      deviceExternalId,
      kind,
      seenAt,
      latestAt: latest?.recordedAt,
      latest: snapshot(latest),
      lastFixAt: lastFix?.recordedAt,
      lastFix: snapshot(lastFix),
      stateAt: state?.reportedAt,
      status: state?.status,
      sensors: state?.sensors,
    }),
  );
  const rows = await query<{ id: string; tenant_id: string; external_id: string }>(
    UPSERT_DEVICES_SQL,
    [JSON.stringify(devices)],
  );
  return new Map(rows.map((row) => [deviceKey(row.tenant_id, row.external_id), row.id]));
}

function positionRows(batches: DeviceDataBatch[], ids: Map<string, string>): PositionRow[] {
  return batches.flatMap(({ tenantId, source, receivedAt, positions }) =>
    positions.map((position) => ({
      device_id: ids.get(deviceKey(tenantId, position.deviceExternalId)),
      recorded_at: position.recordedAt,
      eventcode: position.eventcode,
      tenant_id: tenantId,
      received_at: receivedAt,
      source,
      fix: position.fix,
      lat: position.lat,
      lon: position.lon,
      altitude: position.altitude,
      speed: position.speed,
      heading: position.heading,
      satellites: position.satellites,
      ignition: position.ignition,
      accuracy: position.accuracy,
      odometer: position.odometer,
      horometer: position.horometer,
      address: position.address,
      temperature: position.temperature,
      battery: position.battery,
      extra: position.extra,
    })),
  );
}

function eventRows(batches: DeviceDataBatch[], ids: Map<string, string>) {
  return batches.flatMap(({ tenantId, source, receivedAt, events }) =>
    events.map((event) => ({
      deviceId: ids.get(deviceKey(tenantId, event.deviceExternalId)),
      occurredAt: event.occurredAt,
      type: event.type,
      tenantId,
      code: event.code,
      receivedAt,
      source,
      data: event.data,
    })),
  );
}

/** COPY, or the idempotent insert when some of the rows are already stored. Rows new to the database. */
async function insertPositions(
  query: Query,
  rows: PositionRow[],
  copy?: (rows: PositionRow[]) => Promise<void>,
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

async function copyPositions(client: PoolClient, rows: PositionRow[]): Promise<void> {
  const copy = client.query(copyFrom(`COPY positions (${POSITION_COLUMNS.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from([rows.map(copyLine).join('')]), copy);
}

async function insertEvents(query: Query, rows: ReturnType<typeof eventRows>): Promise<number> {
  if (rows.length === 0) return 0;
  return (await query(INSERT_EVENTS_SQL, [JSON.stringify(rows)])).length;
}

const MOVES_FORWARD = (column: string) =>
  `EXCLUDED.${column} IS NOT NULL AND (d.${column} IS NULL OR EXCLUDED.${column} > d.${column})`;

// Rows travel as one JSON document per statement. jsonb_to_recordset, not json_to_recordset: the
// latter re-reads nested objects (the position snapshots) at several times the cost.
const UPSERT_DEVICES_SQL = `
INSERT INTO devices AS d (tenant_id, external_id, kind, first_seen_at, last_seen_at,
  latest_recorded_at, latest_position, last_fix_recorded_at, last_fix_position,
  state_reported_at, status, sensors)
SELECT "tenantId", "deviceExternalId", kind, "seenAt", "seenAt", "latestAt", latest,
  "lastFixAt", "lastFix", "stateAt", status, sensors
FROM jsonb_to_recordset($1::jsonb) AS k("tenantId" uuid, "deviceExternalId" text, kind text,
  "seenAt" timestamptz, "latestAt" timestamptz, latest jsonb, "lastFixAt" timestamptz,
  "lastFix" jsonb, "stateAt" timestamptz, status jsonb, sensors jsonb)
ON CONFLICT (tenant_id, external_id) DO UPDATE SET
  last_seen_at = GREATEST(d.last_seen_at, EXCLUDED.last_seen_at),
  latest_position = CASE WHEN ${MOVES_FORWARD('latest_recorded_at')}
    THEN EXCLUDED.latest_position ELSE d.latest_position END,
  latest_recorded_at = CASE WHEN ${MOVES_FORWARD('latest_recorded_at')}
    THEN EXCLUDED.latest_recorded_at ELSE d.latest_recorded_at END,
  last_fix_position = CASE WHEN ${MOVES_FORWARD('last_fix_recorded_at')}
    THEN EXCLUDED.last_fix_position ELSE d.last_fix_position END,
  last_fix_recorded_at = CASE WHEN ${MOVES_FORWARD('last_fix_recorded_at')}
    THEN EXCLUDED.last_fix_recorded_at ELSE d.last_fix_recorded_at END,
  status = CASE WHEN ${MOVES_FORWARD('state_reported_at')}
    THEN EXCLUDED.status ELSE d.status END,
  sensors = CASE WHEN ${MOVES_FORWARD('state_reported_at')}
    THEN EXCLUDED.sensors ELSE d.sensors END,
  state_reported_at = CASE WHEN ${MOVES_FORWARD('state_reported_at')}
    THEN EXCLUDED.state_reported_at ELSE d.state_reported_at END
RETURNING d.id, d.tenant_id, d.external_id`;

const INSERT_POSITIONS_SQL = `
INSERT INTO positions (${POSITION_COLUMNS.join(', ')})
SELECT ${POSITION_COLUMNS.join(', ')}
FROM jsonb_to_recordset($1::jsonb) AS p(device_id bigint, recorded_at timestamptz,
  eventcode text, tenant_id uuid, received_at timestamptz, source text, fix boolean, lat float8,
  lon float8, altitude float8, speed float8, heading float8, satellites smallint, ignition boolean,
  accuracy float8, odometer float8, horometer float8, address text, temperature float8,
  battery float8, extra jsonb)
ON CONFLICT DO NOTHING
RETURNING 1`;

const INSERT_EVENTS_SQL = `
INSERT INTO device_events (device_id, occurred_at, type, tenant_id, code, received_at, source, data)
SELECT "deviceId", "occurredAt", type, "tenantId", code, "receivedAt", source, data
FROM jsonb_to_recordset($1::jsonb) AS e("deviceId" bigint, "occurredAt" timestamptz, type text,
  "tenantId" uuid, code text, "receivedAt" timestamptz, source text, data jsonb)
ON CONFLICT DO NOTHING
RETURNING 1`;

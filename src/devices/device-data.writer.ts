import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { DeviceKind } from './entities/device.entity';
import type { PositionSource } from './entities/position.entity';

/** A position to store. Times are ISO 8601 strings with a zone, so sub-millisecond digits survive. */
export interface PositionInput {
  deviceExternalId: string;
  recordedAt: string;
  eventcode: string;
  fix: boolean;
  lat: number;
  lon: number;
  altitude?: number | null;
  speed?: number | null;
  heading?: number | null;
  satellites?: number | null;
  ignition?: boolean | null;
  accuracy?: number | null;
  odometer?: number | null;
  horometer?: number | null;
  address?: string | null;
  temperature?: number | null;
  battery?: number | null;
  extra?: Record<string, unknown> | null;
}

export interface EventInput {
  deviceExternalId: string;
  occurredAt: string;
  type: string;
  code?: string | null;
  data?: Record<string, unknown> | null;
}

export interface DeviceDataBatch {
  tenantId: string;
  kind: DeviceKind;
  source: PositionSource;
  receivedAt: string;
  positions: PositionInput[];
  events: EventInput[];
}

export interface WriteResult {
  /** Rows new to the database: replays and duplicates count zero. */
  positions: number;
  events: number;
}

interface DeviceRow {
  tenantId: string;
  deviceExternalId: string;
  kind: DeviceKind;
  seenAt: string;
  latest?: PositionInput;
  lastFix?: PositionInput;
}

const newer = (a: PositionInput, b: PositionInput | undefined) =>
  !b || Date.parse(a.recordedAt) > Date.parse(b.recordedAt);

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
      };
      devices.set(key, row);
    }
    if (batch.receivedAt > row.seenAt) row.seenAt = batch.receivedAt;
    return row;
  };
  for (const batch of batches) {
    for (const position of batch.positions) {
      const row = device(batch, position.deviceExternalId);
      if (newer(position, row.latest)) row.latest = position;
      if (position.fix && newer(position, row.lastFix)) row.lastFix = position;
    }
    for (const event of batch.events) device(batch, event.deviceExternalId);
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

/**
 * Persists batches of positions and events in one set-based statement: devices are upserted (their
 * latest and last-fixed positions moved only forward by device time), then positions and events
 * inserted on their natural keys, so a replayed or duplicated batch stores nothing twice. Rows
 * travel as one JSON document per kind, which PostgreSQL unpacks with `json_to_recordset`.
 *
 * Several batches (of any tenants) can share one statement: a worker under load commits many jobs
 * at once instead of paying a WAL flush per job.
 */
@Injectable()
export class DeviceDataWriter {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async write(batches: DeviceDataBatch[]): Promise<WriteResult> {
    const devices = deviceRows(batches).map(({ latest, lastFix, ...device }) => ({
      ...device,
      latestAt: latest?.recordedAt,
      latest: snapshot(latest),
      lastFixAt: lastFix?.recordedAt,
      lastFix: snapshot(lastFix),
    }));
    const positions = batches.flatMap(({ tenantId, source, receivedAt, positions }) =>
      positions.map((position) => ({ ...position, tenantId, source, receivedAt })),
    );
    const events = batches.flatMap(({ tenantId, source, receivedAt, events }) =>
      events.map((event) => ({ ...event, tenantId, source, receivedAt })),
    );
    const rows: { positions: string; events: string }[] = await this.dataSource.query(WRITE_SQL, [
      JSON.stringify(devices),
      JSON.stringify(positions),
      JSON.stringify(events),
    ]);
    return { positions: Number(rows[0].positions), events: Number(rows[0].events) };
  }
}

const MOVES_FORWARD = (column: string) =>
  `EXCLUDED.${column} IS NOT NULL AND (d.${column} IS NULL OR EXCLUDED.${column} > d.${column})`;

/** Columns every position and event row carries besides its own: whose it is, when it arrived. */
const ROW_CONTEXT = `"tenantId" uuid, source text, "receivedAt" timestamptz`;

const WRITE_SQL = `
WITH device_rows AS (
  INSERT INTO devices AS d (tenant_id, external_id, kind, first_seen_at, last_seen_at,
    latest_recorded_at, latest_position, last_fix_recorded_at, last_fix_position)
  SELECT "tenantId", "deviceExternalId", kind, "seenAt", "seenAt", "latestAt", latest,
    "lastFixAt", "lastFix"
  FROM json_to_recordset($1::json) AS k("tenantId" uuid, "deviceExternalId" text, kind text,
    "seenAt" timestamptz, "latestAt" timestamptz, latest jsonb, "lastFixAt" timestamptz,
    "lastFix" jsonb)
  ON CONFLICT (tenant_id, external_id) DO UPDATE SET
    last_seen_at = GREATEST(d.last_seen_at, EXCLUDED.last_seen_at),
    latest_position = CASE WHEN ${MOVES_FORWARD('latest_recorded_at')}
      THEN EXCLUDED.latest_position ELSE d.latest_position END,
    latest_recorded_at = CASE WHEN ${MOVES_FORWARD('latest_recorded_at')}
      THEN EXCLUDED.latest_recorded_at ELSE d.latest_recorded_at END,
    last_fix_position = CASE WHEN ${MOVES_FORWARD('last_fix_recorded_at')}
      THEN EXCLUDED.last_fix_position ELSE d.last_fix_position END,
    last_fix_recorded_at = CASE WHEN ${MOVES_FORWARD('last_fix_recorded_at')}
      THEN EXCLUDED.last_fix_recorded_at ELSE d.last_fix_recorded_at END
  RETURNING d.id, d.tenant_id, d.external_id
), position_rows AS (
  INSERT INTO positions (device_id, recorded_at, eventcode, tenant_id, received_at, source, fix,
    lat, lon, altitude, speed, heading, satellites, ignition, accuracy, odometer, horometer,
    address, temperature, battery, extra)
  SELECT dr.id, p."recordedAt", p.eventcode, p."tenantId", p."receivedAt", p.source, p.fix, p.lat,
    p.lon, p.altitude, p.speed, p.heading, p.satellites, p.ignition, p.accuracy, p.odometer,
    p.horometer, p.address, p.temperature, p.battery, p.extra
  FROM json_to_recordset($2::json) AS p(${ROW_CONTEXT}, "deviceExternalId" text,
    "recordedAt" timestamptz, eventcode text, fix boolean, lat float8, lon float8, altitude float8,
    speed float8, heading float8, satellites smallint, ignition boolean, accuracy float8,
    odometer float8, horometer float8, address text, temperature float8, battery float8, extra jsonb)
  JOIN device_rows dr ON dr.tenant_id = p."tenantId" AND dr.external_id = p."deviceExternalId"
  ON CONFLICT DO NOTHING
  RETURNING 1
), event_rows AS (
  INSERT INTO device_events (device_id, occurred_at, type, tenant_id, code, received_at, source, data)
  SELECT dr.id, e."occurredAt", e.type, e."tenantId", e.code, e."receivedAt", e.source, e.data
  FROM json_to_recordset($3::json) AS e(${ROW_CONTEXT}, "deviceExternalId" text,
    "occurredAt" timestamptz, type text, code text, data jsonb)
  JOIN device_rows dr ON dr.tenant_id = e."tenantId" AND dr.external_id = e."deviceExternalId"
  ON CONFLICT DO NOTHING
  RETURNING 1
)
SELECT (SELECT count(*) FROM position_rows) AS positions, (SELECT count(*) FROM event_rows) AS events`;

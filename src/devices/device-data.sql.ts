import type { CopyValue } from './copy-text';
import {
  POSITION_COLUMN_NAMES,
  POSITION_COLUMNS,
  type PositionColumnName,
} from './position-columns';

/* The device data writer's statements: one per table, whatever the number of rows. */

/** A row of `positions` to store, by column: a COPY line, or a record of the insert's document. */
export type NewPositionRow = Record<PositionColumnName, CopyValue>;

const COLUMN_LIST = POSITION_COLUMN_NAMES.join(', ');

export const COPY_POSITIONS_SQL = `COPY positions (${COLUMN_LIST}) FROM STDIN`;

const MOVES_FORWARD = (column: string) =>
  `EXCLUDED.${column} IS NOT NULL AND (d.${column} IS NULL OR EXCLUDED.${column} > d.${column})`;

// Rows travel as one JSON document per statement. jsonb_to_recordset, not json_to_recordset: the
// latter re-reads nested objects (the position snapshots) at several times the cost.
export const UPSERT_DEVICES_SQL = `
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

export const INSERT_POSITIONS_SQL = `
INSERT INTO positions (${COLUMN_LIST})
SELECT ${COLUMN_LIST}
FROM jsonb_to_recordset($1::jsonb)
  AS p(${POSITION_COLUMNS.map(({ name, recordType }) => `${name} ${recordType}`).join(', ')})
ON CONFLICT DO NOTHING
RETURNING 1`;

export const INSERT_EVENTS_SQL = `
INSERT INTO device_events (device_id, occurred_at, type, tenant_id, code, received_at, source, data)
SELECT "deviceId", "occurredAt", type, "tenantId", code, "receivedAt", source, data
FROM jsonb_to_recordset($1::jsonb) AS e("deviceId" bigint, "occurredAt" timestamptz, type text,
  "tenantId" uuid, code text, "receivedAt" timestamptz, source text, data jsonb)
ON CONFLICT DO NOTHING
RETURNING 1`;

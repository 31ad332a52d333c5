import { POSITION_COLUMN_NAMES, POSITION_COLUMNS } from './position-columns';

/*
 * The device data writer's statements: two per group of batches, whatever the number of rows (the
 * devices with their events, then the positions). Each has a name, under which PostgreSQL keeps it
 * parsed and planned on the connection that first ran it: the writer runs the same few statements
 * many times a second.
 */

export interface Statement {
  name: string;
  text: string;
}

const COLUMN_LIST = POSITION_COLUMN_NAMES.join(', ');

export const COPY_POSITIONS_SQL = `COPY positions (${COLUMN_LIST}) FROM STDIN`;

const MOVES_FORWARD = (column: string) =>
  `EXCLUDED.${column} IS NOT NULL AND (d.${column} IS NULL OR EXCLUDED.${column} > d.${column})`;

/** `column` takes the new row's value only when the time in `by` moves forward. */
const MOVED_FORWARD = (column: string, by: string) =>
  `${column} = CASE WHEN ${MOVES_FORWARD(by)} THEN EXCLUDED.${column} ELSE d.${column} END`;

/**
 * Upserts the devices ($1) and inserts the events ($2) in one statement, the events taking the
 * row ids of the devices the upsert returns; answers with those devices, each row also carrying
 * how many events were new. A device's last fixed position is its latest one when only its time
 * is given (see `deviceRows`). Rows travel as one JSON document per table: jsonb_to_recordset rather
 * than arrays (unnest), which cost the same in PostgreSQL and half as much again to encode here;
 * jsonb rather than json, which re-reads nested objects (the position snapshots) at several times
 * the cost.
 */
export const UPSERT_DEVICES_AND_EVENTS: Statement = {
  name: 'fleethub-upsert-devices-and-events',
  text: `
WITH d AS (
  INSERT INTO devices AS d (tenant_id, external_id, kind, first_seen_at, last_seen_at,
    latest_recorded_at, latest_position, last_fix_recorded_at, last_fix_position,
    state_reported_at, status, sensors)
  SELECT "tenantId", "deviceExternalId", kind, "seenAt", "seenAt", "latestAt", latest,
    "lastFixAt", CASE WHEN "lastFixAt" IS NOT NULL THEN COALESCE("lastFix", latest) END,
    "stateAt", status, sensors
  FROM jsonb_to_recordset($1::jsonb) AS k("tenantId" uuid, "deviceExternalId" text, kind text,
    "seenAt" timestamptz, "latestAt" timestamptz, latest jsonb, "lastFixAt" timestamptz,
    "lastFix" jsonb, "stateAt" timestamptz, status jsonb, sensors jsonb)
  ON CONFLICT (tenant_id, external_id) DO UPDATE SET
    last_seen_at = GREATEST(d.last_seen_at, EXCLUDED.last_seen_at),
    ${MOVED_FORWARD('latest_position', 'latest_recorded_at')},
    ${MOVED_FORWARD('latest_recorded_at', 'latest_recorded_at')},
    ${MOVED_FORWARD('last_fix_position', 'last_fix_recorded_at')},
    ${MOVED_FORWARD('last_fix_recorded_at', 'last_fix_recorded_at')},
    ${MOVED_FORWARD('status', 'state_reported_at')},
    ${MOVED_FORWARD('sensors', 'state_reported_at')},
    ${MOVED_FORWARD('state_reported_at', 'state_reported_at')}
  RETURNING d.id, d.tenant_id, d.external_id
), e AS (
  INSERT INTO device_events (device_id, occurred_at, type, tenant_id, code, received_at, source,
    data)
  SELECT d.id, e."occurredAt", e.type, e."tenantId", e.code, e."receivedAt", e.source, e.data
  FROM jsonb_to_recordset($2::jsonb) AS e("tenantId" uuid, "deviceExternalId" text,
    "occurredAt" timestamptz, type text, code text, "receivedAt" timestamptz, source text,
    data jsonb)
  JOIN d ON d.tenant_id = e."tenantId" AND d.external_id = e."deviceExternalId"
  ON CONFLICT DO NOTHING
  RETURNING 1
)
SELECT id, tenant_id, external_id, (SELECT count(*) FROM e)::int AS new_events FROM d`,
};

export const INSERT_POSITIONS: Statement = {
  name: 'fleethub-insert-positions',
  text: `
INSERT INTO positions (${COLUMN_LIST})
SELECT ${COLUMN_LIST}
FROM jsonb_to_recordset($1::jsonb)
  AS p(${POSITION_COLUMNS.map(({ name, recordType }) => `${name} ${recordType}`).join(', ')})
ON CONFLICT DO NOTHING
RETURNING 1`,
};

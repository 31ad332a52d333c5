import type { DeviceKind } from './entities/device.entity';
import type { PositionSource } from './entities/position.entity';
import type { SortOrder } from './dto/position-history.query';
import { POSITION_TIME_COLUMNS, POSITION_VALUE_COLUMNS, microsAlias } from './position-columns';

/**
 * The SQL of the read side, as plain builders: DevicesService and the exports run them, and the
 * query benchmark EXPLAINs exactly the same text. Every statement is scoped by tenant (devices) or
 * by a device row id that was itself resolved within the tenant.
 */
export interface SqlQuery {
  text: string;
  values: unknown[];
}

/** Times leave PostgreSQL as integer microseconds: a JS Date would drop the last three digits. */
const micros = (column: string) => `(EXTRACT(EPOCH FROM ${column}) * 1000000)::int8`;

/** Conditions joined by AND, with their parameters numbered as they are added. */
class Where {
  readonly values: unknown[] = [];
  private readonly parts: string[] = [];

  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  and(condition: string): this {
    this.parts.push(condition);
    return this;
  }

  toString(): string {
    return this.parts.join(' AND ');
  }
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

export interface DeviceRow {
  external_id: string;
  kind: DeviceKind;
  first_seen_us: string;
  last_seen_us: string;
  latest_us: string | null;
  latest_position: Record<string, unknown> | null;
  last_fix_us: string | null;
  last_fix_position: Record<string, unknown> | null;
  status: Record<string, unknown> | null;
  sensors: Record<string, unknown> | null;
}

const DEVICE_COLUMNS = `external_id, kind, ${micros('first_seen_at')} AS first_seen_us,
  ${micros('last_seen_at')} AS last_seen_us, ${micros('latest_recorded_at')} AS latest_us,
  latest_position, ${micros('last_fix_recorded_at')} AS last_fix_us, last_fix_position, status, sensors`;

export interface DeviceListFilter {
  prefix?: string;
  kind?: DeviceKind;
  seenSince?: string;
  /** The external id the previous page ended with. */
  after?: string;
}

/**
 * A page of a tenant's devices in byte order of their ids, served by the (tenant_id, external_id
 * COLLATE "C") index: an id prefix and the cursor are both ranges of it. One row more than the
 * page is read, to tell whether another page follows.
 */
export function deviceListQuery(
  tenantId: string,
  filter: DeviceListFilter,
  limit: number,
): SqlQuery {
  const where = new Where();
  where.and(`tenant_id = ${where.param(tenantId)}`);
  if (filter.prefix !== undefined)
    where.and(`external_id COLLATE "C" LIKE ${where.param(`${escapeLike(filter.prefix)}%`)}`);
  if (filter.kind !== undefined) where.and(`kind = ${where.param(filter.kind)}`);
  if (filter.seenSince !== undefined)
    where.and(`last_seen_at >= ${where.param(filter.seenSince)}::timestamptz`);
  if (filter.after !== undefined)
    where.and(`external_id COLLATE "C" > ${where.param(filter.after)}`);
  const text = `SELECT ${DEVICE_COLUMNS} FROM devices WHERE ${String(where)}
    ORDER BY external_id COLLATE "C" LIMIT ${where.param(limit + 1)}`;
  return { text, values: where.values };
}

export function deviceQuery(tenantId: string, externalId: string): SqlQuery {
  return {
    text: `SELECT ${DEVICE_COLUMNS} FROM devices WHERE tenant_id = $1 AND external_id = $2`,
    values: [tenantId, externalId],
  };
}

/** The row id of a tenant's device: every history query starts from it. */
export function deviceIdQuery(tenantId: string, externalId: string): SqlQuery {
  return {
    text: 'SELECT id FROM devices WHERE tenant_id = $1 AND external_id = $2',
    values: [tenantId, externalId],
  };
}

/** A window of one device's history, by device time, and where the previous page ended. */
export interface HistoryWindow {
  from?: string;
  to?: string;
  order: SortOrder;
  /** Time (ISO 8601 with zone) and tiebreaker of the last row of the previous page. */
  after?: readonly [string, string];
}

interface HistoryTable {
  table: string;
  columns: string;
  time: string;
  /** The last column of the primary key: rows at the same device time are ordered by it. */
  tiebreaker: string;
}

/**
 * One device's rows in a time window, in primary-key order (device_id, time, tiebreaker), forward
 * or backward: the window and the cursor are index conditions, so a page costs its own rows
 * whatever the depth. `limit` reads one row more than the page; without it, the whole window
 * (exports).
 */
function historyQuery(
  source: HistoryTable,
  deviceRowId: string,
  window: HistoryWindow,
  filter: (where: Where) => void,
  limit?: number,
): SqlQuery {
  const { time, tiebreaker } = source;
  const where = new Where();
  where.and(`device_id = ${where.param(deviceRowId)}`);
  if (window.from !== undefined) where.and(`${time} >= ${where.param(window.from)}::timestamptz`);
  if (window.to !== undefined) where.and(`${time} < ${where.param(window.to)}::timestamptz`);
  if (window.after !== undefined) {
    const [at, key] = window.after;
    where.and(
      `(${time}, ${tiebreaker}) ${window.order === 'asc' ? '>' : '<'} ` +
        `(${where.param(at)}::timestamptz, ${where.param(key)})`,
    );
  }
  filter(where);
  const direction = window.order === 'asc' ? 'ASC' : 'DESC';
  const text =
    `SELECT ${source.columns} FROM ${source.table} WHERE ${String(where)} ` +
    `ORDER BY ${time} ${direction}, ${tiebreaker} ${direction}` +
    (limit === undefined ? '' : ` LIMIT ${where.param(limit + 1)}`);
  return { text, values: where.values };
}

/** The device and arrival times, as microseconds (`PositionRow`). */
const POSITION_TIMES = POSITION_TIME_COLUMNS.map(
  ({ name }) => `${micros(name)} AS ${microsAlias(name)}`,
).join(', ');

const POSITIONS: HistoryTable = {
  table: 'positions',
  columns: `${POSITION_TIMES}, ${POSITION_VALUE_COLUMNS.map(({ name }) => name).join(', ')}`,
  time: 'recorded_at',
  tiebreaker: 'eventcode',
};

type ValueForm = (typeof POSITION_VALUE_COLUMNS)[number]['api'];

/** How PostgreSQL writes a column's value as JSON (see the `api` forms of POSITION_COLUMNS). */
const JSON_VALUE: Record<ValueForm, (column: string) => string> = {
  literal: (column) => `coalesce(${column}::text, 'null')`,
  string: (column) => `coalesce(to_json(${column})::text, 'null')`,
};

/**
 * The members of a JSON object (`"field":value,…`, without braces) as one text column, written by
 * PostgreSQL. For a 1,000-row history page, parsing nineteen columns a row in Node and serializing
 * them again took most of the request; PostgreSQL already writes each value's text, and joining
 * them costs it little (its json functions were four times slower at the same job).
 */
function jsonMembers(
  columns: readonly { name: string; property: string; api: ValueForm }[],
): string {
  const members = columns.map(
    ({ name, property, api }, index) =>
      `'${index === 0 ? '' : ','}"${property}":', ${JSON_VALUE[api](name)}`,
  );
  return `concat(${members.join(', ')})`;
}

/** A position page row: the key of the row, and the rest of its JSON (see `positionJson`). */
export interface PositionJsonRow {
  recorded_us: string;
  received_us: string;
  eventcode: string;
  /** Every member of the position's JSON after `recordedAt` and `receivedAt`, in PositionDto order. */
  members: string;
}

const POSITION_PAGE: HistoryTable = {
  ...POSITIONS,
  columns: `${POSITION_TIMES}, eventcode, ${jsonMembers(POSITION_VALUE_COLUMNS)} AS members`,
};

export interface PositionFilter extends HistoryWindow {
  eventcodes?: string[];
  fixOnly?: boolean;
}

function positionHistory(
  source: HistoryTable,
  deviceRowId: string,
  filter: PositionFilter,
  limit?: number,
): SqlQuery {
  return historyQuery(
    source,
    deviceRowId,
    filter,
    (where) => {
      if (filter.eventcodes !== undefined)
        where.and(`eventcode = ANY(${where.param(filter.eventcodes)}::text[])`);
      if (filter.fixOnly) where.and('fix');
    },
    limit,
  );
}

/** Positions as rows of values (exports, which write each value their own way). */
export function positionsQuery(
  deviceRowId: string,
  filter: PositionFilter,
  limit?: number,
): SqlQuery {
  return positionHistory(POSITIONS, deviceRowId, filter, limit);
}

/** A page of positions as JSON rows, for the JSON answer. */
export function positionPageQuery(
  deviceRowId: string,
  filter: PositionFilter,
  limit: number,
): SqlQuery {
  return positionHistory(POSITION_PAGE, deviceRowId, filter, limit);
}

/**
 * A server-side cursor over a positions query, for exports: FETCHed a batch at a time, and planned
 * for its first rows (`cursor_tuple_fraction`), so a file starts at once rather than after a sort
 * of the whole window.
 */
export const EXPORT_CURSOR = 'position_export';

/**
 * The transaction an export reads in: one snapshot for every pass over the window. A month's index
 * scan costs enough to be JIT-compiled, which takes about 120 ms before the first row and gains an
 * index scan nothing.
 */
export const EXPORT_TRANSACTION =
  'BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET LOCAL jit = off';

export function exportCursorQuery(query: SqlQuery): SqlQuery {
  return {
    text: `DECLARE ${EXPORT_CURSOR} NO SCROLL CURSOR FOR ${query.text}`,
    values: query.values,
  };
}

export interface DeviceEventRow {
  occurred_us: string;
  received_us: string;
  type: string;
  code: string | null;
  source: PositionSource;
  data: Record<string, unknown> | null;
}

const EVENTS: HistoryTable = {
  table: 'device_events',
  columns: `${micros('occurred_at')} AS occurred_us, ${micros('received_at')} AS received_us,
    type, code, source, data`,
  time: 'occurred_at',
  tiebreaker: 'type',
};

export interface EventFilter extends HistoryWindow {
  types?: string[];
  codes?: string[];
}

export function eventsQuery(deviceRowId: string, filter: EventFilter, limit: number): SqlQuery {
  return historyQuery(
    EVENTS,
    deviceRowId,
    filter,
    (where) => {
      if (filter.types !== undefined) where.and(`type = ANY(${where.param(filter.types)}::text[])`);
      if (filter.codes !== undefined) where.and(`code = ANY(${where.param(filter.codes)}::text[])`);
    },
    limit,
  );
}

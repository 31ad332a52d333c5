import type { PositionEntity } from './entities/position.entity';

/**
 * How the API's position carries a column: as a time (ISO 8601, written from integer microseconds),
 * or as a JSON value PostgreSQL writes itself: `literal` for numbers, booleans and json(b), whose
 * text already is JSON (float8 columns hold finite values only: both APIs refuse NaN and
 * infinities on the way in), `string` for text, quoted and escaped.
 */
type ApiForm = 'time' | 'literal' | 'string';

interface PositionColumn {
  /** Its name in the `positions` table. */
  name: string;
  /** The PositionEntity property it maps to, which is also its field in the API's position. */
  property: keyof PositionEntity;
  /** The type its value is read as from the writer's JSON documents (jsonb_to_recordset). */
  recordType: string;
  /** Absent for the row's keys, which the API's position does not show. */
  api?: ApiForm;
}

/**
 * Every column of `positions`, once: the raw SQL of the writer (COPY, the idempotent insert) and
 * of the read side (history pages, exports) takes its column lists from here. The columns the API
 * shows come in the order of its position (PositionDto); a spec holds the list to the entity.
 */
export const POSITION_COLUMNS = [
  { name: 'device_id', property: 'deviceId', recordType: 'bigint' },
  { name: 'tenant_id', property: 'tenantId', recordType: 'uuid' },
  { name: 'recorded_at', property: 'recordedAt', recordType: 'timestamptz', api: 'time' },
  { name: 'received_at', property: 'receivedAt', recordType: 'timestamptz', api: 'time' },
  { name: 'eventcode', property: 'eventcode', recordType: 'text', api: 'string' },
  { name: 'fix', property: 'fix', recordType: 'boolean', api: 'literal' },
  { name: 'lat', property: 'lat', recordType: 'float8', api: 'literal' },
  { name: 'lon', property: 'lon', recordType: 'float8', api: 'literal' },
  { name: 'altitude', property: 'altitude', recordType: 'float8', api: 'literal' },
  { name: 'speed', property: 'speed', recordType: 'float8', api: 'literal' },
  { name: 'heading', property: 'heading', recordType: 'float8', api: 'literal' },
  { name: 'satellites', property: 'satellites', recordType: 'smallint', api: 'literal' },
  { name: 'ignition', property: 'ignition', recordType: 'boolean', api: 'literal' },
  { name: 'accuracy', property: 'accuracy', recordType: 'float8', api: 'literal' },
  { name: 'odometer', property: 'odometer', recordType: 'float8', api: 'literal' },
  { name: 'horometer', property: 'horometer', recordType: 'float8', api: 'literal' },
  { name: 'address', property: 'address', recordType: 'text', api: 'string' },
  { name: 'temperature', property: 'temperature', recordType: 'float8', api: 'literal' },
  { name: 'battery', property: 'battery', recordType: 'float8', api: 'literal' },
  { name: 'source', property: 'source', recordType: 'text', api: 'string' },
  { name: 'extra', property: 'extra', recordType: 'jsonb', api: 'literal' },
] as const satisfies readonly PositionColumn[];

type Column = (typeof POSITION_COLUMNS)[number];
export type PositionColumnName = Column['name'];

type TimeColumn = Extract<Column, { api: 'time' }>;
type ValueColumn = Extract<Column, { api: 'literal' | 'string' }>;

/** The column names, in list order: a COPY's or an insert's column list. */
export const POSITION_COLUMN_NAMES: readonly PositionColumnName[] = POSITION_COLUMNS.map(
  (column) => column.name,
);

/** The device and arrival times the API's position starts with. */
export const POSITION_TIME_COLUMNS = POSITION_COLUMNS.filter(
  (column): column is TimeColumn => 'api' in column && column.api === 'time',
);

/** The values the API's position carries after its two times, in its order. */
export const POSITION_VALUE_COLUMNS = POSITION_COLUMNS.filter(
  (column): column is ValueColumn => 'api' in column && column.api !== 'time',
);

/** What a time column is read as: `recorded_at` → `recorded_us`, integer microseconds as text. */
export type MicrosAlias<Name extends string> = Name extends `${infer Stem}_at`
  ? `${Stem}_us`
  : never;

export const microsAlias = <Name extends string>(name: Name) =>
  name.replace(/_at$/, '_us') as MicrosAlias<Name>;

/** A row of the read side's positions queries: the times as microseconds, the values as stored. */
export type PositionRow = { [C in TimeColumn as MicrosAlias<C['name']>]: string } & {
  [C in ValueColumn as C['name']]: PositionEntity[C['property']];
};

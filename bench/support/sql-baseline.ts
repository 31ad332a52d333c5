import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Pool, type ClientBase, type PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  EVENT_CODES,
  POSITION_REPORT_CODES,
  type EventCode,
} from '../../src/telemetry/event-codes';
import { othersDuring } from './machine';
import { BatchFactory } from './telemetry-batches';

/*
 * The worker's same-work SQL baseline: for the very batches one worker stored, what plain `pg`
 * does with the fastest SQL it has, in transactions of the worker's size, on as many connections
 * as the worker has writers: ONE set-based upsert of the devices' latest state (moved only forward
 * by device time, as the worker's statement does) that also inserts the events (one round trip,
 * typed arrays), then COPY (text) of the positions; no queue, no JSON documents, and everything
 * but the device ids the upsert returns prepared before the clock starts. Its database is migrated
 * as FleetHub's is, on a tenant of its own, and must end up holding what the worker's holds.
 */

/** A batch the worker stored: which one of the load's BatchFactory, and when the API took it. */
export interface StoredBatch {
  batch: number;
  receivedAt: string;
}

/** What a database holds once the batches are stored, as compared between worker and baseline. */
export interface Contents {
  positions: number;
  events: number;
  devices: number;
  /**
   * md5 of every device's state: last seen, latest and last fixed position with their times,
   * reported state. Not its first sighting, whose time is the arrival of whichever batch was
   * committed first with it: the worker's group commit decides that, run by run.
   */
  devicesChecksum: string;
  /** md5 of every event, keyed by its device's IMEI. */
  eventsChecksum: string;
}

export interface WorkerOutput {
  batches: StoredBatch[];
  /** Transactions that stored them: one per distinct `xmin` of the positions rows. */
  transactions: number;
  contents: Contents;
}

export interface BaselineResult {
  batchesPerTransaction: number;
  transactions: number;
  connections: number;
  /** Positions/s, each with its devices' upsert and its events, in the baseline's transactions. */
  rowsPerSecond: number;
  /** Positions/s of COPY alone: the same rows, transactions and connections, nothing else. */
  copyRowsPerSecond: number;
  /** What other processes took of the CPU meanwhile, % of one core. */
  othersCpu: { sameWork: number; copy: number };
  contents: Contents;
}

export async function contentsOf(db: ClientBase | Pool): Promise<Contents> {
  const { rows } = await db.query<Record<keyof Contents, string>>(`
    SELECT (SELECT count(*) FROM positions) AS positions,
      (SELECT count(*) FROM device_events) AS events,
      (SELECT count(*) FROM devices) AS devices,
      (SELECT md5(string_agg((external_id, kind, last_seen_at, latest_recorded_at,
          latest_position, last_fix_recorded_at, last_fix_position, state_reported_at, status,
          sensors)::text, E'\\n' ORDER BY external_id))
        FROM devices) AS "devicesChecksum",
      (SELECT md5(string_agg((d.external_id, e.occurred_at, e.type, e.code, e.received_at,
          e.source, e.data)::text, E'\\n' ORDER BY d.external_id, e.occurred_at, e.type))
        FROM device_events e JOIN devices d ON d.id = e.device_id) AS "eventsChecksum"`);
  const [row] = rows;
  return {
    positions: Number(row.positions),
    events: Number(row.events),
    devices: Number(row.devices),
    devicesChecksum: row.devicesChecksum,
    eventsChecksum: row.eventsChecksum,
  };
}

/**
 * The batches in the worker's database, found by their points' device times (BatchFactory gives
 * every batch its own seconds), with the API's arrival time; and how many transactions wrote them.
 */
export async function workerOutput(db: Pool, batchSize: number): Promise<WorkerOutput> {
  const { rows } = await db.query<{ batch: string; received_at: Date; points: string }>(
    `SELECT floor((extract(epoch FROM recorded_at) - $1) / $2) AS batch,
       min(received_at) AS received_at, count(*) AS points
     FROM positions GROUP BY 1 ORDER BY 1`,
    [new BatchFactory().start / 1000, batchSize],
  );
  const partial = rows.find((row) => Number(row.points) !== batchSize);
  if (partial) throw new Error(`batch ${partial.batch} has ${partial.points} points stored`);
  const { rows: transactions } = await db.query<{ n: string }>(
    'SELECT count(DISTINCT xmin::text) AS n FROM positions',
  );
  return {
    batches: rows.map((row) => ({
      batch: Number(row.batch),
      receivedAt: row.received_at.toISOString(),
    })),
    transactions: Number(transactions[0].n),
    contents: await contentsOf(db),
  };
}

/** The parts of a position the devices' latest state keeps, and their SQL types. */
const SNAPSHOT = [
  ['recordedAt', 'text'],
  ['eventcode', 'text'],
  ['fix', 'boolean'],
  ['lat', 'float8'],
  ['lon', 'float8'],
  ['altitude', 'float8'],
  ['speed', 'float8'],
  ['heading', 'float8'],
  ['satellites', 'int'],
  ['ignition', 'boolean'],
  ['accuracy', 'float8'],
  ['odometer', 'float8'],
] as const;

type Snapshot = Record<(typeof SNAPSHOT)[number][0], string | number | boolean>;

/** The statement's arrays, one per column, each with its SQL type. */
type Arrays = readonly (readonly [name: string, type: string])[];

const DEVICE_ARRAYS: Arrays = [
  ['imei', 'text'],
  ['seen', 'timestamptz'],
  ...SNAPSHOT.map(([name, type]) => [`latest_${name}`, type] as const),
  ...SNAPSHOT.map(([name, type]) => [`fix_${name}`, type] as const),
];

const EVENT_ARRAYS: Arrays = [
  ['imei', 'text'],
  ['at', 'timestamptz'],
  ['type', 'text'],
  ['code', 'text'],
  ['received', 'timestamptz'],
  ['fix', 'boolean'],
  ['lat', 'float8'],
  ['lon', 'float8'],
  ['speed', 'float8'],
];

/** Rows from arrays given as parameters `$first`, `$first + 1`, …; `alias` names the rows. */
const unnest = (arrays: Arrays, first: number, alias: string) =>
  `unnest(${arrays.map(([, type], i) => `$${first + i}::${type}[]`).join(', ')})
    AS ${alias}(${arrays.map(([name]) => name).join(', ')})`;

/** `latest_position` / `last_fix_position`: the snapshot's columns as one jsonb, NULL if none. */
const snapshotJson = (prefix: string) =>
  `CASE WHEN k.${prefix}_recordedAt IS NULL THEN NULL ELSE jsonb_build_object(${SNAPSHOT.map(
    ([name]) => `'${name}', k.${prefix}_${name}`,
  ).join(', ')}) END`;

const MOVES_FORWARD = (column: string) =>
  `EXCLUDED.${column} IS NOT NULL AND (d.${column} IS NULL OR EXCLUDED.${column} > d.${column})`;

const MOVED_FORWARD = (column: string, by: string) =>
  `${column} = CASE WHEN ${MOVES_FORWARD(by)} THEN EXCLUDED.${column} ELSE d.${column} END`;

/**
 * One statement, one round trip: the devices' upsert, one row per device (first and last seen,
 * latest and last fixed position, each moved only forward by device time), then the events, which
 * take their device ids from it; the ids, for the COPY of the positions.
 */
const UPSERT_DEVICES_AND_EVENTS = `
WITH upserted AS (
  INSERT INTO devices AS d (tenant_id, external_id, kind, first_seen_at, last_seen_at,
    latest_recorded_at, latest_position, last_fix_recorded_at, last_fix_position)
  SELECT $1, k.imei, 'tracker', k.seen, k.seen, k.latest_recordedAt::timestamptz,
    ${snapshotJson('latest')}, k.fix_recordedAt::timestamptz, ${snapshotJson('fix')}
  FROM ${unnest(DEVICE_ARRAYS, 2, 'k')}
  ON CONFLICT (tenant_id, external_id) DO UPDATE SET
    last_seen_at = GREATEST(d.last_seen_at, EXCLUDED.last_seen_at),
    ${MOVED_FORWARD('latest_position', 'latest_recorded_at')},
    ${MOVED_FORWARD('latest_recorded_at', 'latest_recorded_at')},
    ${MOVED_FORWARD('last_fix_position', 'last_fix_recorded_at')},
    ${MOVED_FORWARD('last_fix_recorded_at', 'last_fix_recorded_at')}
  RETURNING id, external_id
), events AS (
  INSERT INTO device_events (device_id, occurred_at, type, tenant_id, code, received_at, source, data)
  SELECT upserted.id, e.at, e.type, $1, e.code, e.received, 'telemetry',
    jsonb_build_object('fix', e.fix, 'lat', e.lat, 'lon', e.lon, 'speed', e.speed)
  FROM ${unnest(EVENT_ARRAYS, 2 + DEVICE_ARRAYS.length, 'e')}
  JOIN upserted ON upserted.external_id = e.imei
)
SELECT id, external_id FROM upserted`;

// Only the columns the points fill: the others are NULL by default.
const COPY_POSITIONS =
  'COPY positions (device_id, tenant_id, recorded_at, received_at, eventcode, source, fix, lat, ' +
  'lon, altitude, speed, heading, satellites, ignition, accuracy, odometer) FROM STDIN';

/** COPY lines less their first field, the device id, which only the upsert gives. */
interface Lines {
  imeis: string[];
  rest: string[];
}

/** One transaction's statements, ready but for the device ids. */
interface Transaction {
  /** The statement's parameters after the tenant: DEVICE_ARRAYS' then EVENT_ARRAYS'. */
  arrays: unknown[][];
  positions: Lines;
}

interface DeviceState {
  imei: string;
  seen: string;
  latest?: Snapshot;
  fix?: Snapshot;
}

/** Columns from rows: one array per field. */
const columns = <T>(rows: T[], fields: ((row: T) => unknown)[]) =>
  fields.map((field) => rows.map(field));

/**
 * The transactions, prepared before the clock starts: what each statement sends, computed from
 * the points as the worker computes it (the same numbers, times and event rows).
 */
function prepare(
  batches: StoredBatch[],
  batchSize: number,
  batchesPerTransaction: number,
  tenantId: string,
): Transaction[] {
  const factory = new BatchFactory();
  const transactions: Transaction[] = [];
  for (let first = 0; first < batches.length; first += batchesPerTransaction) {
    const devices = new Map<string, DeviceState>();
    const positions: Lines = { imeis: [], rest: [] };
    const events: { imei: string; snapshot: Snapshot; receivedAt: string }[] = [];
    for (const { batch, receivedAt } of batches.slice(first, first + batchesPerTransaction)) {
      for (const point of factory.points(batchSize, batch)) {
        const imei = String(point.imei);
        const snapshot: Snapshot = {
          recordedAt: `${String(point.datetime)}Z`,
          eventcode: String(point.eventcode),
          fix: Boolean(point.fix),
          lat: Number(point.latitude),
          lon: Number(point.longitude),
          altitude: Number(point.altitude),
          speed: Number(point.speed),
          heading: Number(point.heading),
          satellites: Number(point.satellites),
          ignition: Boolean(point.ignition),
          accuracy: Number(point.accuracy),
          odometer: Number(point.odometer),
        };
        const device = devices.get(imei) ?? { imei, seen: receivedAt };
        devices.set(imei, device);
        if (receivedAt > device.seen) device.seen = receivedAt;
        // Same-format UTC times: text order is time order.
        if (!device.latest || snapshot.recordedAt > device.latest.recordedAt) {
          device.latest = snapshot;
        }
        if (snapshot.fix && (!device.fix || snapshot.recordedAt > device.fix.recordedAt)) {
          device.fix = snapshot;
        }
        positions.imeis.push(imei);
        positions.rest.push(
          [
            tenantId,
            snapshot.recordedAt,
            receivedAt,
            snapshot.eventcode,
            'telemetry',
            ...SNAPSHOT.slice(2).map(([name]) => snapshot[name]),
          ].join('\t'),
        );
        if (!POSITION_REPORT_CODES.has(String(snapshot.eventcode))) {
          events.push({ imei, snapshot, receivedAt });
        }
      }
    }
    // One lock order for every transaction, as the worker's, so concurrent ones never deadlock.
    const rows = [...devices.values()].sort((a, b) => (a.imei < b.imei ? -1 : 1));
    transactions.push({
      arrays: [
        ...columns(rows, [
          (device) => device.imei,
          (device) => device.seen,
          ...SNAPSHOT.map(
            ([name]) =>
              (device: DeviceState) =>
                device.latest?.[name] ?? null,
          ),
          ...SNAPSHOT.map(
            ([name]) =>
              (device: DeviceState) =>
                device.fix?.[name] ?? null,
          ),
        ]),
        ...columns(events, [
          (event) => event.imei,
          (event) => event.snapshot.recordedAt,
          (event) => EVENT_CODES[event.snapshot.eventcode as EventCode],
          (event) => event.snapshot.eventcode,
          (event) => event.receivedAt,
          (event) => event.snapshot.fix,
          (event) => event.snapshot.lat,
          (event) => event.snapshot.lon,
          (event) => event.snapshot.speed,
        ]),
      ],
      positions,
    });
  }
  return transactions;
}

function copyText(lines: Lines, ids: Map<string, string>): string {
  let text = '';
  for (let i = 0; i < lines.imeis.length; i++) {
    text += `${ids.get(lines.imeis[i])}\t${lines.rest[i]}\n`;
  }
  return text;
}

async function copyIn(client: PoolClient, sql: string, text: string): Promise<void> {
  await pipeline(Readable.from([text]), client.query(copyFrom(sql)));
}

/**
 * Runs the transactions on `connections` connections at once, each taking the next; seconds from
 * the first BEGIN to the last COMMIT.
 */
async function timed(
  pool: Pool,
  transactions: Transaction[],
  connections: number,
  work: (client: PoolClient, transaction: Transaction) => Promise<void>,
): Promise<number> {
  const clients = await Promise.all(Array.from({ length: connections }, () => pool.connect()));
  let next = 0;
  const started = performance.now();
  try {
    await Promise.all(
      clients.map(async (client) => {
        while (next < transactions.length) {
          const transaction = transactions[next++];
          await client.query('BEGIN');
          await work(client, transaction);
          await client.query('COMMIT');
        }
      }),
    );
    return (performance.now() - started) / 1000;
  } finally {
    for (const client of clients) client.release();
  }
}

/**
 * Gives the baseline's database the partitions of `positions` the worker's has (the worker's
 * data-lifecycle job may have added some since the migrations ran).
 */
async function mirrorPartitions(from: Pool, to: Pool): Promise<void> {
  const partitions = (db: Pool) =>
    db.query<{ name: string; bound: string }>(
      `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'positions'::regclass`,
    );
  const existing = new Set((await partitions(to)).rows.map((row) => row.name));
  for (const { name, bound } of (await partitions(from)).rows) {
    if (!existing.has(name)) await to.query(`CREATE TABLE ${name} PARTITION OF positions ${bound}`);
  }
}

export interface BaselineOptions {
  /** The worker's database, and the baseline's: migrated, holding one tenant and nothing else. */
  workerDb: Pool;
  baselineUrl: string;
  batches: StoredBatch[];
  batchSize: number;
  batchesPerTransaction: number;
  connections: number;
  /** The benchmark's processes: what the others take of the CPU meanwhile is reported. */
  ours: () => Promise<number[]>;
}

/**
 * The same-work baseline, then COPY alone of the same positions (in place of the baseline's,
 * truncated once their contents are read) in the same transactions.
 */
export async function runSqlBaseline(options: BaselineOptions): Promise<BaselineResult> {
  const { batches, batchSize, batchesPerTransaction, connections } = options;
  const pool = new Pool({ connectionString: options.baselineUrl, max: connections });
  try {
    await mirrorPartitions(options.workerDb, pool);
    const { rows: tenants } = await pool.query<{ id: string }>('SELECT id FROM tenants');
    if (tenants.length !== 1) throw new Error('the baseline database must hold one tenant');
    const tenantId = tenants[0].id;
    const transactions = prepare(batches, batchSize, batchesPerTransaction, tenantId);
    const rows = batches.length * batchSize;

    // Each measured phase, the worker's too, starts right after a checkpoint: none writes the
    // full-page images another was spared, or flushes another's pages.
    await pool.query('CHECKPOINT');
    const sameWork = await othersDuring(options.ours, () =>
      timed(pool, transactions, connections, async (client, transaction) => {
        const { rows: devices } = await client.query<{ id: string; external_id: string }>(
          UPSERT_DEVICES_AND_EVENTS,
          [tenantId, ...transaction.arrays],
        );
        const ids = new Map(devices.map((device) => [device.external_id, device.id]));
        await copyIn(client, COPY_POSITIONS, copyText(transaction.positions, ids));
      }),
    );
    const contents = await contentsOf(pool);

    await pool.query('TRUNCATE positions');
    const { rows: devices } = await pool.query<{ id: string; external_id: string }>(
      'SELECT id, external_id FROM devices',
    );
    const ids = new Map(devices.map((device) => [device.external_id, device.id]));
    await pool.query('CHECKPOINT');
    const copy = await othersDuring(options.ours, () =>
      timed(pool, transactions, connections, (client, transaction) =>
        copyIn(client, COPY_POSITIONS, copyText(transaction.positions, ids)),
      ),
    );
    return {
      batchesPerTransaction,
      transactions: transactions.length,
      connections,
      rowsPerSecond: rows / sameWork.result,
      copyRowsPerSecond: rows / copy.result,
      othersCpu: { sameWork: sameWork.others, copy: copy.others },
      contents,
    };
  } finally {
    await pool.end();
  }
}

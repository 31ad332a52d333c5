/**
 * npm run bench:query — the Devices API read paths on a seeded tenant (10,000 devices, 10 million
 * positions by default), each measured against a baseline in the same run:
 *   1. device list page (100 devices with their latest positions): p99 < 20 ms; baseline: the same
 *      SQL sent straight to PostgreSQL, so the ratio is what HTTP, auth and JSON add;
 *   2. a 1,000-point history page of one device, for a day in the middle of its month:
 *      p99 < 30 ms; same baseline;
 *   3. a full one-month CSV export of one device: rows/s next to PostgreSQL's own
 *      `COPY (…) TO STDOUT CSV` of the same rows, and the server's peak memory above idle for a
 *      day's export and for the month's (< 100 MB, and flat: it must not grow with the size).
 * The EXPLAIN (ANALYZE, BUFFERS) plan of each query is printed: each must use an index.
 *
 * The tenant is seeded by COPY in device-time order across devices (as ingestion writes it), with
 * the indexes built after the load. Half the rows belong to 20 busy devices reporting every 10 s
 * for a month; the rest are spread over the other devices. BENCH_POSITIONS and BENCH_DEVICES scale
 * the seed down for a quick run; BENCH_REQUESTS sets the requests per latency measurement.
 * Needs PostgreSQL (BENCH_ADMIN_URL) and Redis (REDIS_URL). Its database is created and dropped.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { TenantCredentials } from '../src/auth/tenants.service';
import {
  deviceListQuery,
  EXPORT_TRANSACTION,
  exportCursorQuery,
  positionPageQuery,
  positionsQuery,
  type SqlQuery,
} from '../src/devices/device-reads.sql';
import { DEVICE_PAGE } from '../src/devices/dto/list-devices.query';
import { encodeCursor } from '../src/devices/keyset-cursor';
import { monthOf, monthPartition } from '../src/devices/position-partitions';
import { REDIS_URL, authHeaders, dropDatabase, recreateDatabase } from './support/fleethub';
import { describeMachine } from './support/machine';
import { cliJson, startApi, type ApiService } from './support/processes';
import { fmt, summary, verdict } from './support/stats';

const POSITIONS = Number(process.env.BENCH_POSITIONS ?? 10_000_000);
const DEVICES = Number(process.env.BENCH_DEVICES ?? 10_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const DATABASE = 'fleethub_bench_query';
const HISTORY_PAGE = 1000;

const DAY_MS = 86_400_000;
const MONTH_START = Date.UTC(2026, 2, 1);
const MONTH_MS = 30 * DAY_MS;
const BUSY_DEVICES = Math.min(20, Math.floor(DEVICES / 2));

const imeiOf = (index: number) => `35${String(index).padStart(13, '0')}`;

interface Seed {
  tenantId: string;
  /** Device row ids by device index. */
  rowIds: string[];
  /** Positions of each busy device, and the time between two of them. */
  busyPerDevice: number;
  busyInterval: number;
  rows: number;
}

/** What the seed knows of each device's newest positions, for its `devices` row. */
interface Latest {
  at: number;
  lat: number;
  lon: number;
  eventcode: string;
  fix: boolean;
}

/**
 * Every position of the month in device-time order, busy and quiet devices interleaved as they
 * would arrive, as COPY text lines in chunks. `latest` / `lastFix` end up holding each device's
 * newest (fixed) position.
 */
function* seedLines(seed: Seed, latest: Latest[], lastFix: Latest[]): Generator<string> {
  const { busyPerDevice } = seed;
  const quietDevices = DEVICES - BUSY_DEVICES;
  const quietRows = POSITIONS - busyPerDevice * BUSY_DEVICES;
  const quietInterval = (MONTH_MS * quietDevices) / quietRows;
  let quietNext = 0;
  let chunk: string[] = [];
  const line = (device: number, at: number, n: number) => {
    const lat = -34.6 + 0.05 * Math.sin(n / 500 + device);
    const lon = -58.38 + 0.05 * Math.cos(n / 500 + device);
    const eventcode = n % 25 === 0 ? '117' : '101';
    const fix = n % 10 !== 3;
    const position = { at, lat, lon, eventcode, fix };
    latest[device] = position;
    if (fix) lastFix[device] = position;
    chunk.push(
      `${seed.rowIds[device]}\t${new Date(at).toISOString()}\t${eventcode}\t${seed.tenantId}\t` +
        `${new Date(at + 1000).toISOString()}\ttelemetry\t${fix}\t${lat.toFixed(6)}\t` +
        `${lon.toFixed(6)}\t25\t${n % 90}\t${(n * 7) % 360}\t9\ttrue\t3.5\t${100000 + n}\t` +
        '\\N\t\\N\t\\N\t\\N\t\\N\n',
    );
    seed.rows++;
  };
  for (let tick = 0; tick < busyPerDevice; tick++) {
    const at = MONTH_START + Math.round(tick * seed.busyInterval);
    for (let device = 0; device < BUSY_DEVICES; device++) line(device, at, tick);
    // The quiet devices' rows due by this tick: row r is device (r mod quiet), sample r div quiet.
    const due = Math.floor(((tick + 1) * quietRows) / busyPerDevice);
    for (; quietNext < due; quietNext++) {
      const n = Math.floor(quietNext / quietDevices);
      const device = BUSY_DEVICES + (quietNext % quietDevices);
      const offset = ((quietNext % quietDevices) / quietDevices) * quietInterval;
      line(device, MONTH_START + Math.round(n * quietInterval + offset), n);
    }
    if (chunk.length >= 2000) {
      yield chunk.join('');
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk.join('');
}

const snapshot = (position: Latest) => ({
  recordedAt: new Date(position.at).toISOString(),
  eventcode: position.eventcode,
  fix: position.fix,
  lat: Number(position.lat.toFixed(6)),
  lon: Number(position.lon.toFixed(6)),
});

/**
 * Loads the tenant's devices and positions by COPY. The positions indexes (those the migrations
 * made, read from the catalog) are dropped for the load and rebuilt after it, as a bulk load does:
 * the queries then run on exactly the production schema.
 */
async function seed(client: Client, tenantId: string): Promise<Seed> {
  await pipeline(
    Readable.from(
      Array.from(
        { length: DEVICES },
        (_, i) =>
          `${tenantId}\t${imeiOf(i)}\ttracker\t2026-03-01T00:00:00Z\t2026-03-01T00:00:00Z\n`,
      ),
    ),
    client.query(
      copyFrom(
        'COPY devices (tenant_id, external_id, kind, first_seen_at, last_seen_at) FROM STDIN',
      ),
    ),
  );
  const { rows: devices } = await client.query<{ id: string }>(
    'SELECT id FROM devices ORDER BY external_id',
  );
  const { rows: constraints } = await client.query<{ name: string; definition: string }>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
     WHERE conrelid = 'positions'::regclass AND contype = 'p'`,
  );
  const { rows: indexes } = await client.query<{ name: string; definition: string }>(
    `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
     WHERE tablename = 'positions' AND indexname <> ALL($1)`,
    [constraints.map((constraint) => constraint.name)],
  );
  for (const { name } of constraints) {
    await client.query(`ALTER TABLE positions DROP CONSTRAINT ${name}`);
  }
  for (const { name } of indexes) await client.query(`DROP INDEX ${name}`);
  // The month's own partition, as the data-lifecycle job gives each month of its calendar window.
  const month = monthPartition(monthOf(new Date(MONTH_START)))!;
  await client.query(
    `CREATE TABLE ${month.name} PARTITION OF positions FOR VALUES FROM ('${month.from}') TO ('${month.to}')`,
  );

  const busyPerDevice = Math.floor(POSITIONS / 2 / BUSY_DEVICES);
  const result: Seed = {
    tenantId,
    rowIds: devices.map((device) => device.id),
    busyPerDevice,
    busyInterval: MONTH_MS / busyPerDevice,
    rows: 0,
  };
  const latest: Latest[] = [];
  const lastFix: Latest[] = [];
  const started = Date.now();
  await pipeline(
    Readable.from(seedLines(result, latest, lastFix)),
    client.query(
      copyFrom(
        'COPY positions (device_id, recorded_at, eventcode, tenant_id, received_at, source, fix, ' +
          'lat, lon, altitude, speed, heading, satellites, ignition, accuracy, odometer, ' +
          'horometer, address, temperature, battery, extra) FROM STDIN',
      ),
    ),
  );
  const copied = Date.now();
  await client.query(`SET maintenance_work_mem = '1GB'`);
  for (const { name, definition } of constraints) {
    await client.query(`ALTER TABLE positions ADD CONSTRAINT ${name} ${definition}`);
  }
  for (const { definition } of indexes) await client.query(definition);
  const indexed = Date.now();

  await client.query(
    `UPDATE devices d SET latest_recorded_at = s."latestAt", latest_position = s.latest,
       last_fix_recorded_at = s."lastFixAt", last_fix_position = s."lastFix",
       last_seen_at = s."latestAt" + interval '1 second'
     FROM json_to_recordset($1::json) AS s(id bigint, "latestAt" timestamptz, latest jsonb,
       "lastFixAt" timestamptz, "lastFix" jsonb)
     WHERE d.id = s.id`,
    [
      JSON.stringify(
        result.rowIds.map((id, device) => ({
          id,
          latestAt: new Date(latest[device].at).toISOString(),
          latest: snapshot(latest[device]),
          lastFixAt: lastFix[device] && new Date(lastFix[device].at).toISOString(),
          lastFix: lastFix[device] && snapshot(lastFix[device]),
        })),
      ),
    ],
  );
  await client.query('VACUUM (ANALYZE) devices');
  await client.query('VACUUM (ANALYZE) positions');
  const { rows: size } = await client.query<{ size: string }>(
    // A partitioned table holds nothing itself: its size is its partitions'.
    `SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) AS size
     FROM pg_inherits WHERE inhparent = 'positions'::regclass`,
  );
  console.log(
    `Seeded ${fmt(result.rows)} positions of ${fmt(DEVICES)} devices (${size[0].size}): COPY ` +
      `${fmt((result.rows * 1000) / (copied - started))} rows/s, indexes ` +
      `${fmt((indexed - copied) / 1000, 1)} s, vacuum/analyze ` +
      `${fmt((Date.now() - indexed) / 1000, 1)} s`,
  );
  return result;
}

/**
 * p50/p99 of `requests` sequential calls of the API and of its baseline, alternating, so both
 * see the same machine (other load, cache state); a tenth as many unmeasured calls first.
 */
async function latencies(
  requests: number,
  api: (i: number) => Promise<void>,
  baseline: (i: number) => Promise<void>,
): Promise<{ api: { p50: number; p99: number }; baseline: { p50: number; p99: number } }> {
  const timed = async (call: (i: number) => Promise<void>, i: number, into: number[]) => {
    const started = performance.now();
    await call(i);
    into.push(performance.now() - started);
  };
  const warmUp: number[] = [];
  for (let i = 0; i < Math.ceil(requests / 10); i++) {
    await timed(api, i, warmUp);
    await timed(baseline, i, warmUp);
  }
  const apiSamples: number[] = [];
  const baselineSamples: number[] = [];
  for (let i = 0; i < requests; i++) {
    await timed(api, i, apiSamples);
    await timed(baseline, i, baselineSamples);
  }
  return { api: summary(apiSamples), baseline: summary(baselineSamples) };
}

/** EXPLAIN ANALYZE of `query`, in a transaction (`begin`) rolled back after (a cursor needs one). */
async function explain(
  client: Client,
  title: string,
  query: SqlQuery,
  begin = 'BEGIN',
): Promise<void> {
  await client.query(begin);
  try {
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS) ${query.text}`,
      query.values,
    );
    console.log(`   EXPLAIN ${title}:`);
    for (const row of rows) console.log(`     ${row['QUERY PLAN']}`);
  } finally {
    await client.query('ROLLBACK');
  }
}

/** `query` with its parameters inlined as literals, for COPY (which takes no parameters). */
function inlined(client: Client, query: SqlQuery): string {
  return query.text.replace(/\$(\d+)/g, (_, n: string) =>
    client.escapeLiteral(String(query.values[Number(n) - 1])),
  );
}

/** Resident memory of a process, in bytes (Linux). */
function rss(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

/** Downloads an export; its rows, rows/s, and the server's peak RSS while it ran. */
async function download(
  url: string,
  headers: Record<string, string>,
  pid: number,
): Promise<{ rows: number; rowsPerSecond: number; peakRss: number; bytes: number }> {
  let peakRss = rss(pid);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rss(pid))), 10);
  const started = performance.now();
  const response = await fetch(url, { headers });
  if (!response.ok || !response.body) throw new Error(`export answered ${response.status}`);
  let newlines = 0;
  let bytes = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) newlines++;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const rows = newlines - 1; // the header line
  return { rows, rowsPerSecond: rows / seconds, peakRss: Math.max(peakRss, rss(pid)), bytes };
}

/** PostgreSQL's own CSV writer over the same rows: the ceiling for an export. */
async function copyCsv(client: Client, query: SqlQuery): Promise<number> {
  const started = performance.now();
  let newlines = 0;
  const stream = client.query(
    copyTo(`COPY (${inlined(client, query)}) TO STDOUT WITH (FORMAT csv)`),
  );
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    for (const byte of chunk) if (byte === 10) newlines++;
  }
  return newlines / ((performance.now() - started) / 1000);
}

const mb = (bytes: number) => fmt(bytes / 2 ** 20, 1);

async function main(): Promise<void> {
  console.log(`FleetHub query benchmark — ${describeMachine()}`);
  const url = await recreateDatabase(DATABASE);
  const env = {
    DATABASE_URL: url,
    REDIS_URL,
    QUEUE_PREFIX: `fleethub-bench-${randomBytes(3).toString('hex')}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // The benchmark measures the queries, not the request limit.
    RATE_LIMIT_API_PER_MINUTE: '1000000000',
  };
  const client = new Client({ connectionString: url });
  let api: ApiService | undefined;
  try {
    const tenant = await cliJson<TenantCredentials>(['tenant:create', '--name', 'Bench'], env);
    await client.connect();
    const { rows: tenants } = await client.query<{ id: string }>('SELECT id FROM tenants');
    const data = await seed(client, tenants[0].id);

    api = await startApi(env);
    const apiUrl = api.baseUrl;
    const headers = await authHeaders(apiUrl, tenant);
    const get = async (path: string) => {
      const response = await fetch(`${apiUrl}${path}`, { headers });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
    };

    // 1. Device list pages, starting after a different device each time.
    const after = (i: number) => imeiOf((i * 7919) % (DEVICES - DEVICE_PAGE.default));
    const listQuery = (i: number) =>
      deviceListQuery(data.tenantId, { after: after(i) }, DEVICE_PAGE.default);
    const { api: listApi, baseline: listSql } = await latencies(
      REQUESTS,
      (i) =>
        get(
          `/apidev/v1/devices?limit=${DEVICE_PAGE.default}&cursor=${encodeCursor('devices', [after(i)])}`,
        ),
      async (i) => {
        const query = listQuery(i);
        await client.query(query.text, query.values);
      },
    );
    console.log(
      `\n1. Device list page (${DEVICE_PAGE.default} devices with latest positions), ${REQUESTS} sequential requests`,
    );
    console.log(`   API  p50 ${fmt(listApi.p50, 2)} ms  p99 ${fmt(listApi.p99, 2)} ms`);
    console.log(
      `   SQL  p50 ${fmt(listSql.p50, 2)} ms  p99 ${fmt(listSql.p99, 2)} ms (same query, straight to PostgreSQL)`,
    );
    console.log(
      `   API/SQL p99 ratio ${fmt(listApi.p99 / listSql.p99, 1)}; target p99 < 20 ms ${verdict(listApi.p99 < 20)}`,
    );
    await explain(client, 'device list page', listQuery(1));

    // 2. A 1,000-point page of a busy device, for a day in the middle of its month.
    const day = (i: number) => {
      const start = MONTH_START + (10 + (i % 10)) * DAY_MS;
      return { from: new Date(start).toISOString(), to: new Date(start + DAY_MS).toISOString() };
    };
    const historyQuery = (i: number) =>
      positionPageQuery(data.rowIds[i % BUSY_DEVICES], { ...day(i), order: 'asc' }, HISTORY_PAGE);
    const { api: historyApi, baseline: historySql } = await latencies(
      REQUESTS,
      (i) => {
        const { from, to } = day(i);
        return get(
          `/apidev/v1/devices/${imeiOf(i % BUSY_DEVICES)}/positions?from=${from}&to=${to}&limit=${HISTORY_PAGE}`,
        );
      },
      async (i) => {
        const query = historyQuery(i);
        await client.query(query.text, query.values);
      },
    );
    const perDay = Math.round(DAY_MS / data.busyInterval);
    console.log(
      `\n2. History page (${HISTORY_PAGE} of a busy device's ${fmt(perDay)} positions of a day mid-month), ${REQUESTS} sequential requests`,
    );
    console.log(`   API  p50 ${fmt(historyApi.p50, 2)} ms  p99 ${fmt(historyApi.p99, 2)} ms`);
    console.log(
      `   SQL  p50 ${fmt(historySql.p50, 2)} ms  p99 ${fmt(historySql.p99, 2)} ms (same query, straight to PostgreSQL)`,
    );
    console.log(
      `   API/SQL p99 ratio ${fmt(historyApi.p99 / historySql.p99, 1)}; target p99 < 30 ms ${verdict(historyApi.p99 < 30)}`,
    );
    await explain(client, 'history page', historyQuery(1));

    // 3. CSV exports of the busiest device: a day, then the whole month.
    const device = imeiOf(0);
    const exportUrl = (from: number, to: number) =>
      `${apiUrl}/apidev/v1/devices/${device}/positions?format=csv` +
      `&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
    const pid = api.process.pid!;
    await download(exportUrl(MONTH_START, MONTH_START + DAY_MS), headers, pid); // warm-up
    const idle = rss(pid);
    const dayExport = await download(exportUrl(MONTH_START, MONTH_START + DAY_MS), headers, pid);
    const monthExport = await download(
      exportUrl(MONTH_START, MONTH_START + MONTH_MS),
      headers,
      pid,
    );
    const monthQuery = positionsQuery(data.rowIds[0], {
      from: new Date(MONTH_START).toISOString(),
      to: new Date(MONTH_START + MONTH_MS).toISOString(),
      order: 'asc',
    });
    const copyRate = await copyCsv(client, monthQuery);
    const dayAbove = dayExport.peakRss - idle;
    const monthAbove = monthExport.peakRss - idle;
    console.log(`\n3. CSV export of one device`);
    console.log(
      `   month: ${fmt(monthExport.rows)} rows, ${mb(monthExport.bytes)} MB, ${fmt(monthExport.rowsPerSecond)} rows/s; ` +
        `COPY … TO STDOUT CSV of the same rows ${fmt(copyRate)} rows/s; ratio ${fmt(monthExport.rowsPerSecond / copyRate, 2)}`,
    );
    console.log(
      `   server RSS: idle ${mb(idle)} MB; peak above idle: day (${fmt(dayExport.rows)} rows) ${mb(dayAbove)} MB, ` +
        `month ${mb(monthAbove)} MB (target < 100 MB) ${verdict(monthAbove < 100 * 2 ** 20 && dayExport.rows > 0)}`,
    );
    await explain(
      client,
      'month export (the cursor the export reads)',
      exportCursorQuery(monthQuery),
      EXPORT_TRANSACTION,
    );
  } finally {
    await api?.stop();
    await client.end().catch(() => undefined);
    await dropDatabase(DATABASE);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

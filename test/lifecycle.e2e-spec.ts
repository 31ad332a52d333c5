import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS, buildDataSourceOptions } from '../src/database/data-source-options';
import { monthOf, monthPartition, monthsAround } from '../src/devices/position-partitions';
import { DataLifecycleService, LIFECYCLE_LOCK_KEY } from '../src/lifecycle/data-lifecycle.service';
import { TenantRetentionService } from '../src/lifecycle/tenant-retention.service';
import { deviceEvent, position, storeDeviceData, track } from './factories/device-data.factory';
import {
  noFixLocation,
  northboundCredentials,
  randomTrackerId,
  trackerMessage,
} from './factories/northbound.factory';
import { randomImei } from './factories/telemetry.factory';
import { createTenant, tenantIdOf } from './factories/tenant.factory';
import { TEST_ENV, databaseUrl } from './setup/test-environment';
import { runCli } from './utils/cli';
import { waitFor } from './utils/wait';
import { createTestApp, type TestApp } from './utils/test-app';

/** The CLI runs as a child process through ts-node: a few seconds a command. */
jest.setTimeout(90_000);

const DAY_MS = 86_400_000;

describe('Data lifecycle: monthly partitions of positions, per-tenant retention', () => {
  let testApp: TestApp;
  let lifecycle: DataLifecycleService;
  const now = new Date();
  const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();

  beforeAll(async () => {
    // The job runs when the test says (run), not on its own schedule.
    testApp = await createTestApp({ redis: false, env: { LIFECYCLE_INTERVAL_MINUTES: '0' } });
    lifecycle = testApp.app.get(DataLifecycleService);
  });
  afterAll(async () => {
    await testApp?.close();
  });

  const sql = <T>(text: string, values: unknown[] = []) =>
    testApp.dataSource.query<T[]>(text, values);
  const partitions = async () =>
    (
      await sql<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'positions'::regclass ORDER BY 1`,
      )
    ).map((row) => row.name);
  /** The partition each of a device's positions is stored in, by device time. */
  const storedIn = async (deviceId: string) =>
    sql<{ at: Date; partition: string }>(
      `SELECT p.recorded_at AS at, p.tableoid::regclass::text AS partition
       FROM positions p JOIN devices d ON d.id = p.device_id
       WHERE d.external_id = $1 ORDER BY 1`,
      [deviceId],
    );
  const fleet = async (name: string) => {
    const tenant = await createTenant(testApp, name);
    return { tenant, tenantId: await tenantIdOf(testApp, tenant.tenant) };
  };

  it('partitions a calendar window (the month before, this one, three ahead), beside a default partition', async () => {
    const report = await lifecycle.run(now);
    expect(report).not.toBeNull();
    const names = await partitions();
    for (const month of monthsAround(now, 1, 3)) {
      expect(names).toContain(`positions_${month.replace('-', '_')}`);
    }
    expect(names).toContain('positions_default');
    // Nothing left to do: a second run changes nothing.
    expect(await lifecycle.run(now)).toEqual({
      partitionsCreated: [],
      rowsMoved: 0,
      partitionsDropped: [],
      deleted: { positions: 0, events: 0, messages: 0 },
      deferred: [],
    });
  });

  it('leaves the run to the process that holds the lock', async () => {
    const other = new Client({ connectionString: testApp.config.database.url });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1)', [LIFECYCLE_LOCK_KEY]);
      expect(await lifecycle.run(now)).toBeNull();
    } finally {
      await other.end();
    }
    expect(await lifecycle.run(now)).not.toBeNull();
  });

  it('keeps a month outside the window in the default partition, and moves it once the window reaches it', async () => {
    const { tenantId } = await fleet('Old Replays');
    const imei = randomImei();
    await storeDeviceData(testApp, tenantId, {
      positions: [
        position(imei, '2019-05-10T08:00:00Z'),
        position(imei, '2019-05-31T23:59:59.999999Z'),
        position(imei, '2019-06-01T00:00:00Z'),
        position(imei, now.toISOString()),
      ],
    });
    expect((await storedIn(imei)).map((row) => row.partition)).toEqual([
      'positions_default',
      'positions_default',
      'positions_default',
      `positions_${monthOf(now).replace('-', '_')}`,
    ]);

    // Today's run: 2019 is outside the calendar window, whatever rows it holds.
    const report = await lifecycle.run(now);
    expect(report?.partitionsCreated).toEqual([]);
    expect((await storedIn(imei)).map((row) => row.partition)).toEqual([
      'positions_default',
      'positions_default',
      'positions_default',
      `positions_${monthOf(now).replace('-', '_')}`,
    ]);

    // The job as it ran in May 2019: its window gives May and June their partitions, rows moved.
    const then = await lifecycle.run(new Date('2019-05-15T12:00:00Z'));
    expect(then?.partitionsCreated).toEqual([
      '2019-04',
      '2019-05',
      '2019-06',
      '2019-07',
      '2019-08',
    ]);
    expect(then?.rowsMoved).toBe(3);
    expect((await storedIn(imei)).map((row) => row.partition)).toEqual([
      'positions_2019_05',
      'positions_2019_05',
      'positions_2019_06',
      `positions_${monthOf(now).replace('-', '_')}`,
    ]);
  });

  it('stores each point once across partitions, however often its batch is delivered', async () => {
    const { tenantId } = await fleet('Twice Delivered');
    const imei = randomImei();
    const batch = [
      position(imei, '2018-01-01T00:00:00Z'), // default partition
      position(imei, '2019-05-20T00:00:00Z'), // a partition made from the default one
      position(imei, daysAgo(1)),
      position(imei, daysAgo(0.5), { eventcode: '117' }),
    ];
    // By COPY, then (COPY refusing the duplicates) by the insert that skips them.
    expect(await storeDeviceData(testApp, tenantId, { positions: batch })).toMatchObject({
      positions: 4,
    });
    expect(await storeDeviceData(testApp, tenantId, { positions: batch })).toMatchObject({
      positions: 0,
    });
    const late = position(imei, daysAgo(2));
    expect(
      await storeDeviceData(testApp, tenantId, { positions: [...batch.slice(1, 3), late] }),
    ).toMatchObject({ positions: 1 });
    expect(await storedIn(imei)).toHaveLength(5);
  });

  it('stores a write that was routed to the default partition as its month got a partition', async () => {
    const { tenantId } = await fleet('Meanwhile');
    const imei = randomImei();
    const month = monthPartition('2017-03')!;
    // What the job does for a month found in the default partition, held open while a write
    // arrives: the write is routed to the default partition and waits for it.
    const job = new Client({ connectionString: testApp.config.database.url });
    await job.connect();
    try {
      await job.query('BEGIN');
      await job.query('LOCK TABLE positions_default IN ACCESS EXCLUSIVE MODE');
      await job.query(
        `CREATE TABLE ${month.name} (LIKE positions INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
      );
      await job.query(
        `ALTER TABLE positions ATTACH PARTITION ${month.name}
         FOR VALUES FROM ('${month.from}') TO ('${month.to}')`,
      );
      const write = storeDeviceData(testApp, tenantId, {
        positions: [position(imei, '2017-03-15T12:00:00Z')],
      });
      await waitFor(
        () =>
          sql(
            `SELECT 1 FROM pg_locks WHERE NOT granted AND relation = 'positions_default'::regclass`,
          ),
        (waiting) => waiting.length > 0,
      );
      await job.query('COMMIT');
      expect(await write).toMatchObject({ positions: 1 });
    } finally {
      await job.end();
    }
    expect((await storedIn(imei)).map((row) => row.partition)).toEqual([month.name]);
  });

  describe('retention', () => {
    /** A tenant with a tracker (positions, events) and an Asset Tracker (messages), 100 and 5 days old. */
    const seed = async (name: string) => {
      const { tenant, tenantId } = await fleet(name);
      const imei = randomImei();
      const trackerId = randomTrackerId();
      const times = { old: daysAgo(100), recent: daysAgo(5) };
      await storeDeviceData(testApp, tenantId, {
        positions: [position(imei, times.old), position(imei, times.recent)],
        events: [deviceEvent(imei, times.old), deviceEvent(imei, times.recent)],
      });
      for (const time of [times.old, times.recent]) {
        const seconds = Math.floor(Date.parse(time) / 1000);
        await testApp.http
          .post('/data')
          .auth(...northboundCredentials(tenant))
          // No fix and no alert: a message, and neither a position nor an event.
          .send(
            trackerMessage({
              trackerId,
              timestamp: seconds,
              location: noFixLocation(),
              alerts: [],
            }),
          )
          .expect(200);
      }
      return { tenant, tenantId, imei, trackerId };
    };
    /** Device times (ms) of what a tenant still holds, table by table. */
    const held = async (tenantId: string) => {
      const times = async (text: string) =>
        (await sql<{ at: Date }>(text, [tenantId])).map((row) => row.at.getTime()).sort();
      return {
        positions: await times('SELECT recorded_at AS at FROM positions WHERE tenant_id = $1'),
        events: await times('SELECT occurred_at AS at FROM device_events WHERE tenant_id = $1'),
        messages: await times(
          'SELECT recorded_at AS at FROM tracker_messages WHERE tenant_id = $1',
        ),
      };
    };
    const atSecond = (iso: string) => Math.floor(Date.parse(iso) / 1000) * 1000;

    it("deletes what a tenant keeps no longer, and nothing of another tenant's", async () => {
      const short = await seed('Keeps A Month');
      const long = await seed('Keeps Everything');
      await testApp.app.get(TenantRetentionService).set(short.tenant.tenant, 30);
      await testApp.app.get(TenantRetentionService).set(long.tenant.tenant, 'forever');
      const before = await held(long.tenantId);
      expect(before.positions).toHaveLength(2);
      expect(before.messages).toHaveLength(2);

      const report = await lifecycle.run(now);
      // Another tenant keeps everything: no month can go whole, so rows go one batch at a time.
      expect(report?.partitionsDropped).toEqual([]);
      expect(report?.deleted).toEqual({ positions: 1, events: 1, messages: 1 });
      expect(await held(short.tenantId)).toEqual({
        positions: [Date.parse(daysAgo(5))],
        events: [Date.parse(daysAgo(5))],
        messages: [atSecond(daysAgo(5))],
      });
      expect(await held(long.tenantId)).toEqual(before);
    });

    it('deletes batch after batch until nothing past the retention is left', async () => {
      const { tenant, tenantId } = await fleet('Keeps A Week');
      await testApp.app.get(TenantRetentionService).set(tenant.tenant, 7);
      const imei = randomImei();
      // More than one batch of old positions, and a recent one.
      const old = track(imei, 5001, daysAgo(20), 1);
      await storeDeviceData(testApp, tenantId, { positions: [...old, position(imei, daysAgo(1))] });

      const report = await lifecycle.run(now);
      expect(report?.deleted.positions).toBe(5001);
      expect((await held(tenantId)).positions).toEqual([Date.parse(daysAgo(1))]);
    });

    it("drops whole months once they are past every tenant's retention", async () => {
      const tenant = await seed('Keeps Two Months');
      // Every tenant: two months (the server's default for those without their own), this one
      // through the CLI; except one that keeps three.
      await sql('UPDATE tenants SET retention_days = NULL');
      const cli = await runCli(
        ['tenant:retention', '--tenant', tenant.tenant.tenant, '--days', '90'],
        {
          DATABASE_URL: testApp.config.database.url,
        },
      );
      expect(cli.code).toBe(0);
      const app = await createTestApp({
        redis: false,
        databaseUrl: testApp.config.database.url,
        env: { LIFECYCLE_INTERVAL_MINUTES: '0', RETENTION_DAYS: '60' },
      });
      try {
        // A long read of positions (an export) holds its lock past the wait of a partition change:
        // the change is left to the next run rather than stalling the writes queued behind it.
        const reader = new Client({ connectionString: testApp.config.database.url });
        await reader.connect();
        try {
          await reader.query('BEGIN');
          await reader.query('SELECT count(*) FROM positions');
          const blocked = await app.app.get(DataLifecycleService).run(now);
          expect(blocked?.partitionsDropped).toEqual([]);
          expect(blocked?.deferred).toEqual(expect.arrayContaining(['2019-05', '2019-06']));
          expect(await partitions()).toContain('positions_2019_05');
        } finally {
          await reader.end();
        }

        const report = await app.app.get(DataLifecycleService).run(now);
        // Months that ended more than 90 days ago hold nothing anyone keeps: dropped whole.
        const ninetyDaysAgo = now.getTime() - 90 * DAY_MS;
        const gone = report!.partitionsDropped;
        expect(gone).toEqual(expect.arrayContaining(['2019-05', '2019-06']));
        for (const month of gone) {
          expect(
            Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1),
          ).toBeLessThanOrEqual(ninetyDaysAgo);
        }
        expect(await partitions()).not.toContain('positions_2019_05');
        // The 90-day tenant still holds its recent rows; its 100-day-old ones are gone either way.
        expect(await held(tenant.tenantId)).toEqual({
          positions: [Date.parse(daysAgo(5))],
          events: [Date.parse(daysAgo(5))],
          messages: [atSecond(daysAgo(5))],
        });
      } finally {
        await app.close();
      }
    });
  });

  describe('tenant:retention (CLI)', () => {
    const cli = (...args: string[]) =>
      runCli(['tenant:retention', ...args], { DATABASE_URL: testApp.config.database.url });

    it('shows and sets how long a tenant keeps its data', async () => {
      const { tenant } = await fleet('Cli Retention');
      const slug = tenant.tenant;
      const shown = await cli('--tenant', slug, '--json');
      expect(shown.code).toBe(0);
      expect(JSON.parse(shown.stdout)).toEqual({
        tenant: slug,
        retention: null,
        serverRetention: 'forever',
      });
      const set = await cli('--tenant', slug, '--days', '400');
      expect(set.code).toBe(0);
      expect(set.stdout).toContain(`Data of "${slug}" is kept 400 days.`);
      const forever = await cli('--tenant', slug, '--forever', '--json');
      expect(JSON.parse(forever.stdout)).toMatchObject({ retention: 'forever' });
      expect(await testApp.app.get(TenantRetentionService).get(slug)).toBe('forever');
      const reset = await cli('--tenant', slug, '--default', '--json');
      expect(JSON.parse(reset.stdout)).toMatchObject({ retention: null });
    });

    it.each([
      [['--days', '0'], '--days must be a whole number of at least 1'],
      [['--days', 'ten'], '--days must be a whole number of at least 1'],
      [['--days', '36501'], 'Retention must be a whole number of days from 1 to 36500'],
      [['--days', '30', '--forever'], 'Give one of --days, --forever and --default'],
    ])('refuses %j with a clear message', async (args, message) => {
      const { tenant } = await fleet(`Cli Refusal ${randomBytes(3).toString('hex')}`);
      const result = await cli('--tenant', tenant.tenant, ...args);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(message);
      expect(await testApp.app.get(TenantRetentionService).get(tenant.tenant)).toBeNull();
    });
  });
});

describe('the partitioning migration on an existing install', () => {
  it('moves every existing position into its month, and back into one table when reverted', async () => {
    const admin = process.env[TEST_ENV.adminUrl]!;
    const name = `${process.env[TEST_ENV.runPrefix]}_upgrade_${randomBytes(4).toString('hex')}`;
    const client = new Client({ connectionString: admin });
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    const url = databaseUrl(admin, name);
    const before = MIGRATIONS.findIndex((migration) => migration.name.startsWith('DataLifecycle'));
    const upToIt = MIGRATIONS.slice(0, before + 1);
    /** Migrates (or reverts the last migration), then reads where each position is stored. */
    const migrate = async (migrations: typeof MIGRATIONS, revert = false) => {
      const dataSource = new DataSource({ ...buildDataSourceOptions(url, 1), migrations });
      await dataSource.initialize();
      try {
        if (revert) await dataSource.undoLastMigration();
        else await dataSource.runMigrations();
        const rows = await dataSource.query<{ at: Date; partition: string }[]>(
          `SELECT recorded_at AS at, tableoid::regclass::text AS partition FROM positions ORDER BY 1`,
        );
        const indexes = await dataSource.query<{ name: string }[]>(
          `SELECT indexname AS name FROM pg_indexes WHERE tablename = 'positions' ORDER BY 1`,
        );
        return {
          at: rows.map((row) => row.at.toISOString()),
          partitions: rows.map((row) => row.partition),
          indexes: indexes.map((index) => index.name),
        };
      } finally {
        await dataSource.destroy();
      }
    };
    const times = ['2025-12-31T23:59:59.999Z', '2026-01-01T00:00:00Z', new Date().toISOString()];
    const partitioned = [
      'positions_2025_12',
      'positions_2026_01',
      `positions_${monthOf(new Date()).replace('-', '_')}`,
    ];
    try {
      await migrate(MIGRATIONS.slice(0, before));
      const upgrading = new Client({ connectionString: url });
      await upgrading.connect();
      await upgrading.query(
        `INSERT INTO positions (device_id, recorded_at, eventcode, tenant_id, received_at, source,
           fix, lat, lon)
         SELECT 1, at, '101', gen_random_uuid(), now(), 'telemetry', true, 1, 2
         FROM unnest($1::timestamptz[]) AS at`,
        [times],
      );
      await upgrading.end();

      const stored = times.map((time) => new Date(time).toISOString());
      const indexes = ['positions_pkey', 'positions_recorded_at_brin'];
      expect(await migrate(upToIt)).toEqual({ at: stored, partitions: partitioned, indexes });
      // Reverted: one plain table again, with the same rows and indexes.
      expect(await migrate(upToIt, true)).toEqual({
        at: stored,
        partitions: stored.map(() => 'positions'),
        indexes,
      });
      expect(await migrate(MIGRATIONS)).toEqual({ at: stored, partitions: partitioned, indexes });
    } finally {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    }
  });
});

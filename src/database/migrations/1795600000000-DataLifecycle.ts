import { MigrationInterface, QueryRunner } from 'typeorm';

const POSITION_COLUMNS = `
  device_id bigint NOT NULL,
  recorded_at timestamptz NOT NULL,
  eventcode varchar(20) NOT NULL,
  tenant_id uuid NOT NULL,
  received_at timestamptz NOT NULL,
  source varchar(16) NOT NULL,
  fix boolean NOT NULL,
  lat double precision NOT NULL,
  lon double precision NOT NULL,
  altitude double precision,
  speed double precision,
  heading double precision,
  satellites smallint,
  ignition boolean,
  accuracy double precision,
  odometer double precision,
  horometer double precision,
  address text,
  temperature double precision,
  battery double precision,
  extra jsonb,
  PRIMARY KEY (device_id, recorded_at, eventcode)`;

/** Months ahead of the current one that get a partition at once (the scheduled job keeps it so). */
const MONTHS_AHEAD = 3;

/**
 * `positions` partitioned by month of device time, and per-tenant retention. Every month with rows
 * gets its partition, and so do this month and the next three; the data-lifecycle job keeps
 * creating them ahead. Existing rows are copied into the new table, which takes a while on a large
 * install (the table is locked until then).
 */
export class DataLifecycle1795600000000 implements MigrationInterface {
  name = 'DataLifecycle1795600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE tenants ADD COLUMN retention_days integer CHECK (retention_days >= 0)`,
    );

    await queryRunner.query(`ALTER TABLE positions RENAME TO positions_unpartitioned`);
    await queryRunner.query(
      `ALTER TABLE positions_unpartitioned RENAME CONSTRAINT positions_pkey TO positions_unpartitioned_pkey`,
    );
    await queryRunner.query(`DROP INDEX positions_recorded_at_brin`);
    await queryRunner.query(
      `CREATE TABLE positions (${POSITION_COLUMNS}) PARTITION BY RANGE (recorded_at)`,
    );
    // Tenant-wide scans by time within a month; per-device history uses the primary key.
    await queryRunner.query(
      `CREATE INDEX positions_recorded_at_brin ON positions USING brin (recorded_at)`,
    );
    await queryRunner.query(`CREATE TABLE positions_default PARTITION OF positions DEFAULT`);

    const present = (await queryRunner.query(
      `SELECT DISTINCT to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month
       FROM positions_unpartitioned`,
    )) as { month: Month }[];
    const months = new Set([
      ...present.map((row) => row.month),
      ...monthsFrom(new Date(), MONTHS_AHEAD + 1),
    ]);
    for (const month of [...months].sort()) {
      const partition = monthPartition(month);
      if (!partition) continue;
      await queryRunner.query(
        `CREATE TABLE ${partition.name} PARTITION OF positions
         FOR VALUES FROM ('${partition.from}') TO ('${partition.to}')`,
      );
    }
    await queryRunner.query(`INSERT INTO positions SELECT * FROM positions_unpartitioned`);
    await queryRunner.query(`DROP TABLE positions_unpartitioned`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE positions_unpartitioned (${POSITION_COLUMNS})`);
    await queryRunner.query(`INSERT INTO positions_unpartitioned SELECT * FROM positions`);
    await queryRunner.query(`DROP TABLE positions`);
    await queryRunner.query(`ALTER TABLE positions_unpartitioned RENAME TO positions`);
    await queryRunner.query(
      `ALTER TABLE positions RENAME CONSTRAINT positions_unpartitioned_pkey TO positions_pkey`,
    );
    await queryRunner.query(
      `CREATE INDEX positions_recorded_at_brin ON positions USING brin (recorded_at)`,
    );
    await queryRunner.query(`ALTER TABLE tenants DROP COLUMN retention_days`);
  }
}

/*
 * The partition naming and bounds as this migration defines them. A migration is a snapshot: it
 * keeps its own copy, so later changes to the data-lifecycle code cannot change what it does.
 */

/** A month as `YYYY-MM`, the form `to_char(… AT TIME ZONE 'UTC', 'YYYY-MM')` gives. */
type Month = string;

interface MonthPartition {
  /** e.g. `positions_2026_04` */
  name: string;
  /** ISO 8601 UTC bounds, `from` included, `to` excluded. */
  from: string;
  to: string;
}

const MONTH = /^(\d{4})-(\d{2})$/;

/**
 * The partition of a month; undefined for a year outside 0001-9998 (rows of those stay in the
 * default partition: a bound past 9999 is not a four-digit year).
 */
function monthPartition(month: Month): MonthPartition | undefined {
  const match = MONTH.exec(month);
  if (!match) return undefined;
  const [year, monthOfYear] = [Number(match[1]), Number(match[2])];
  if (year < 1 || year > 9998 || monthOfYear < 1 || monthOfYear > 12) return undefined;
  return {
    name: `positions_${match[1]}_${match[2]}`,
    from: utcMonthStart(year, monthOfYear - 1),
    to: utcMonthStart(year, monthOfYear),
  };
}

/** `count` months from the month of `instant` on, that one included. */
function monthsFrom(instant: Date, count: number): Month[] {
  const year = instant.getUTCFullYear();
  const month = instant.getUTCMonth();
  return Array.from({ length: count }, (_, offset) =>
    utcMonthStart(year, month + offset).slice(0, 7),
  );
}

/** `Date.UTC` for the first of a month (months past December roll into later years). */
function utcMonthStart(year: number, monthIndex: number): string {
  const start = new Date(Date.UTC(2000, monthIndex, 1));
  start.setUTCFullYear(year + start.getUTCFullYear() - 2000);
  return start.toISOString();
}

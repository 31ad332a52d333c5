import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763784000000 implements MigrationInterface {
  name = 'InitialSchema1763784000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tenants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug varchar(63) NOT NULL UNIQUE,
        name varchar(200) NOT NULL,
        account_sid char(34) NOT NULL UNIQUE,
        auth_token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        username varchar(100) NOT NULL,
        password_hash text NOT NULL,
        role varchar(20) NOT NULL DEFAULT 'admin',
        created_at timestamptz NOT NULL DEFAULT now(),
        disabled_at timestamptz,
        UNIQUE (tenant_id, username)
      )`);
    await queryRunner.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        prefix varchar(16) NOT NULL UNIQUE,
        key_hash bytea NOT NULL,
        label varchar(100),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id)`);
    await queryRunner.query(`
      CREATE TABLE northbound_credentials (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        username varchar(64) NOT NULL UNIQUE,
        password_hash bytea NOT NULL,
        label varchar(100),
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX northbound_credentials_tenant_idx ON northbound_credentials (tenant_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE devices (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        external_id varchar(64) NOT NULL,
        kind varchar(20) NOT NULL,
        first_seen_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        latest_recorded_at timestamptz,
        latest_position jsonb,
        last_fix_recorded_at timestamptz,
        last_fix_position jsonb,
        status jsonb,
        sensors jsonb,
        UNIQUE (tenant_id, external_id)
      )`);
    // Positions are a time series: the natural key doubles as the per-device history index,
    // and a BRIN index serves tenant-wide scans by time at a tiny fraction of a B-tree's size.
    // No foreign key to devices: the writer upserts the device in the same statement, and the
    // per-row check cost 40% of an insert.
    await queryRunner.query(`
      CREATE TABLE positions (
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
        PRIMARY KEY (device_id, recorded_at, eventcode)
      )`);
    await queryRunner.query(
      `CREATE INDEX positions_recorded_at_brin ON positions USING brin (recorded_at)`,
    );
    await queryRunner.query(`
      CREATE TABLE device_events (
        device_id bigint NOT NULL,
        occurred_at timestamptz NOT NULL,
        type varchar(40) NOT NULL,
        tenant_id uuid NOT NULL,
        code varchar(20),
        received_at timestamptz NOT NULL,
        source varchar(16) NOT NULL,
        data jsonb,
        PRIMARY KEY (device_id, occurred_at, type)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'device_events',
      'positions',
      'devices',
      'northbound_credentials',
      'api_keys',
      'users',
      'tenants',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}

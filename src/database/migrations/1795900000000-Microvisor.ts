import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Twilio-compatible Microvisor resources: devices (registered by an operator, each with its
 * own credential), the apps uploaded for them, and configs and secrets at account and device
 * level. Apps and devices are keyed by their SIDs; configs and secrets by their key, and listed in
 * key order: byte order (`COLLATE "C"`), the same whatever the database's locale, on the primary
 * key's index.
 */
export class Microvisor1795900000000 implements MigrationInterface {
  name = 'Microvisor1795900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The bundle is kept with its app; lists and fetches never select it.
    await queryRunner.query(`
      CREATE TABLE microvisor_apps (
        sid char(34) PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        unique_name varchar(64),
        hash varchar(71) NOT NULL,
        bundle bytea NOT NULL,
        manifest bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, unique_name)
      )`);
    await queryRunner.query(
      `CREATE INDEX microvisor_apps_page_idx ON microvisor_apps (tenant_id, created_at, sid)`,
    );

    // A targeted app cannot be deleted (RESTRICT); a reported one can, so reported_app_sid is
    // only a record of what the device said.
    await queryRunner.query(`
      CREATE TABLE microvisor_devices (
        sid char(34) PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        unique_name varchar(64),
        credential_hash bytea NOT NULL UNIQUE,
        target_app_sid char(34) REFERENCES microvisor_apps(sid) ON DELETE RESTRICT,
        targeted_at timestamptz,
        update_status varchar(10) NOT NULL DEFAULT 'up-to-date'
          CHECK (update_status IN ('up-to-date', 'pending', 'error')),
        update_error_code integer NOT NULL DEFAULT 0,
        reported_app_sid char(34),
        reported_at timestamptz,
        logging_expires_at timestamptz,
        restart_requested_at timestamptz,
        last_check_in_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, unique_name)
      )`);
    await queryRunner.query(
      `CREATE INDEX microvisor_devices_page_idx ON microvisor_devices (tenant_id, created_at, sid)`,
    );
    await queryRunner.query(
      `CREATE INDEX microvisor_devices_target_app_idx ON microvisor_devices (target_app_sid)`,
    );

    await queryRunner.query(`
      CREATE TABLE microvisor_account_configs (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        key varchar(100) COLLATE "C" NOT NULL,
        value varchar(4096) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, key)
      )`);
    await queryRunner.query(`
      CREATE TABLE microvisor_device_configs (
        device_sid char(34) NOT NULL REFERENCES microvisor_devices(sid) ON DELETE CASCADE,
        key varchar(100) COLLATE "C" NOT NULL,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        value varchar(4096) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (device_sid, key)
      )`);
    // Secret values are sealed (AES-256-GCM under SECRETS_ENCRYPTION_KEY), never stored in clear.
    await queryRunner.query(`
      CREATE TABLE microvisor_account_secrets (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        key varchar(100) COLLATE "C" NOT NULL,
        value_sealed bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        rotated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, key)
      )`);
    await queryRunner.query(`
      CREATE TABLE microvisor_device_secrets (
        device_sid char(34) NOT NULL REFERENCES microvisor_devices(sid) ON DELETE CASCADE,
        key varchar(100) COLLATE "C" NOT NULL,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        value_sealed bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        rotated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (device_sid, key)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'microvisor_device_secrets',
      'microvisor_account_secrets',
      'microvisor_device_configs',
      'microvisor_account_configs',
      'microvisor_devices',
      'microvisor_apps',
    ])
      await queryRunner.query(`DROP TABLE ${table}`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Twilio-compatible Programmable Wireless resources. Rows are keyed by their Twilio SIDs
 * (two-letter prefix + 32 hex digits) and belong to one tenant; every list is read in keyset pages
 * over (tenant_id, created_at, sid), so each has that index.
 */
export class Wireless1795800000000 implements MigrationInterface {
  name = 'Wireless1795800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE wireless_rate_plans (
        sid char(34) PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        unique_name varchar(64),
        friendly_name varchar(64),
        data_enabled boolean NOT NULL,
        data_limit integer NOT NULL CHECK (data_limit BETWEEN 0 AND 2000000),
        data_metering varchar(16) NOT NULL,
        data_limit_strategy varchar(8) NOT NULL,
        messaging_enabled boolean NOT NULL,
        voice_enabled boolean NOT NULL,
        national_roaming_enabled boolean NOT NULL,
        national_roaming_data_limit integer NOT NULL
          CHECK (national_roaming_data_limit BETWEEN 0 AND 2000000),
        international_roaming text[] NOT NULL,
        international_roaming_data_limit integer NOT NULL
          CHECK (international_roaming_data_limit BETWEEN 0 AND 2000000),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, unique_name)
      )`);
    await queryRunner.query(
      `CREATE INDEX wireless_rate_plans_page_idx ON wireless_rate_plans (tenant_id, created_at, sid)`,
    );

    // A SIM card exists once: its ICCID is unique across tenants, so a device-originated message
    // on an ICCID's topic belongs to exactly one Sim.
    await queryRunner.query(`
      CREATE TABLE wireless_sims (
        sid char(34) PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        iccid varchar(22) NOT NULL UNIQUE,
        unique_name varchar(64),
        friendly_name varchar(64),
        e_id varchar(32),
        registration_code varchar(64),
        imei varchar(64),
        rate_plan_sid char(34) REFERENCES wireless_rate_plans(sid) ON DELETE RESTRICT,
        status varchar(12) NOT NULL DEFAULT 'new' CHECK (status IN
          ('new', 'ready', 'active', 'suspended', 'deactivated', 'canceled', 'scheduled', 'updating')),
        target_status varchar(12),
        reset_status varchar(12) CHECK (reset_status = 'resetting'),
        status_callback_url varchar(2048),
        status_callback_method varchar(4),
        ip_address varchar(45),
        commands_callback_url varchar(2048),
        commands_callback_method varchar(4) NOT NULL DEFAULT 'POST',
        sms_url varchar(2048),
        sms_method varchar(4) NOT NULL DEFAULT 'POST',
        sms_fallback_url varchar(2048),
        sms_fallback_method varchar(4) NOT NULL DEFAULT 'POST',
        voice_url varchar(2048),
        voice_method varchar(4) NOT NULL DEFAULT 'POST',
        voice_fallback_url varchar(2048),
        voice_fallback_method varchar(4) NOT NULL DEFAULT 'POST',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, unique_name)
      )`);
    await queryRunner.query(
      `CREATE INDEX wireless_sims_page_idx ON wireless_sims (tenant_id, created_at, sid)`,
    );
    await queryRunner.query(
      `CREATE INDEX wireless_sims_imei_idx ON wireless_sims (tenant_id, imei)`,
    );
    await queryRunner.query(
      `CREATE INDEX wireless_sims_rate_plan_idx ON wireless_sims (rate_plan_sid)`,
    );

    await queryRunner.query(`
      CREATE TABLE wireless_commands (
        sid char(34) PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        sim_sid char(34) NOT NULL REFERENCES wireless_sims(sid) ON DELETE CASCADE,
        command text NOT NULL,
        command_mode varchar(6) NOT NULL CHECK (command_mode IN ('text', 'binary')),
        transport varchar(3) NOT NULL CHECK (transport IN ('sms', 'ip')),
        include_sid varchar(5) NOT NULL DEFAULT 'none' CHECK (include_sid IN ('none', 'start', 'end')),
        delivery_receipt_requested boolean NOT NULL,
        status varchar(9) NOT NULL CHECK (status IN
          ('queued', 'sent', 'delivered', 'received', 'failed')),
        direction varchar(8) NOT NULL CHECK (direction IN ('from_sim', 'to_sim')),
        callback_url varchar(2048),
        callback_method varchar(4) NOT NULL DEFAULT 'POST',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX wireless_commands_page_idx ON wireless_commands (tenant_id, created_at, sid)`,
    );
    // A Sim's Commands in keyset pages (the `Sim` filter), and its queued ones counted against
    // the limit of 100 at every create.
    await queryRunner.query(
      `CREATE INDEX wireless_commands_sim_idx ON wireless_commands (sim_sid, created_at, sid)`,
    );
    await queryRunner.query(
      `CREATE INDEX wireless_commands_queued_idx ON wireless_commands (sim_sid) WHERE status = 'queued'`,
    );

    await queryRunner.query(`
      CREATE TABLE wireless_data_sessions (
        sid char(34) PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        sim_sid char(34) NOT NULL REFERENCES wireless_sims(sid) ON DELETE CASCADE,
        imei varchar(64),
        started_at timestamptz NOT NULL,
        last_updated_at timestamptz NOT NULL,
        ended_at timestamptz,
        packets_uploaded bigint NOT NULL DEFAULT '0',
        packets_downloaded bigint NOT NULL DEFAULT '0',
        bytes_uploaded bigint NOT NULL DEFAULT '0',
        bytes_downloaded bigint NOT NULL DEFAULT '0'
      )`);
    await queryRunner.query(
      `CREATE INDEX wireless_data_sessions_page_idx ON wireless_data_sessions (sim_sid, started_at, sid)`,
    );
    // At most one open session per Sim: API processes flushing the same Sim's traffic at once
    // upsert into it rather than each opening one.
    await queryRunner.query(
      `CREATE UNIQUE INDEX wireless_data_sessions_open_idx ON wireless_data_sessions (sim_sid)
         WHERE ended_at IS NULL`,
    );

    // Traffic per Sim and hour: UsageRecords add these up (hourly, daily or over the whole period).
    await queryRunner.query(`
      CREATE TABLE wireless_sim_usage (
        sim_sid char(34) NOT NULL REFERENCES wireless_sims(sid) ON DELETE CASCADE,
        hour timestamptz NOT NULL,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        upload_bytes bigint NOT NULL DEFAULT '0',
        download_bytes bigint NOT NULL DEFAULT '0',
        PRIMARY KEY (sim_sid, hour)
      )`);
    await queryRunner.query(
      `CREATE INDEX wireless_sim_usage_tenant_hour_idx ON wireless_sim_usage (tenant_id, hour)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'wireless_sim_usage',
      'wireless_data_sessions',
      'wireless_commands',
      'wireless_sims',
      'wireless_rate_plans',
    ])
      await queryRunner.query(`DROP TABLE ${table}`);
  }
}

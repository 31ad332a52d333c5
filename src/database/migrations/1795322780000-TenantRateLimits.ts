import { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-tenant overrides of the telemetry token buckets; null keeps the configured default. */
export class TenantRateLimits1795322780000 implements MigrationInterface {
  name = 'TenantRateLimits1795322780000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE tenants
        ADD COLUMN rate_limit_global_capacity integer CHECK (rate_limit_global_capacity > 0),
        ADD COLUMN rate_limit_global_refill integer CHECK (rate_limit_global_refill > 0),
        ADD COLUMN rate_limit_imei_capacity integer CHECK (rate_limit_imei_capacity > 0),
        ADD COLUMN rate_limit_imei_refill integer CHECK (rate_limit_imei_refill > 0)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE tenants
        DROP COLUMN rate_limit_global_capacity,
        DROP COLUMN rate_limit_global_refill,
        DROP COLUMN rate_limit_imei_capacity,
        DROP COLUMN rate_limit_imei_refill`);
  }
}

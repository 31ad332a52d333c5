import { MigrationInterface, QueryRunner } from 'typeorm';

/** Outbound callbacks of the Twilio-compatible APIs: one row each, its attempts and how it ended. */
export class CallbackDeliveries1795860000000 implements MigrationInterface {
  name = 'CallbackDeliveries1795860000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE callback_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        about varchar(34) NOT NULL,
        url varchar(2048) NOT NULL,
        method varchar(4) NOT NULL CHECK (method IN ('GET', 'POST')),
        state varchar(16) NOT NULL DEFAULT 'pending'
          CHECK (state IN ('pending', 'delivered', 'given_up')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_status integer,
        last_error varchar(64),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_attempt_at timestamptz,
        finished_at timestamptz
      )`);
    // The operators' question (`callbacks:undelivered`): a tenant's latest callbacks that did not
    // arrive, few among many that did.
    await queryRunner.query(`
      CREATE INDEX callback_deliveries_undelivered_idx ON callback_deliveries (tenant_id, created_at)
      WHERE state <> 'delivered'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE callback_deliveries`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A sealed copy of each tenant's auth token, beside its hash: FleetHub signs the tenant's outbound
 * callbacks with the token itself. Tenants created before this migration get theirs at their next
 * successful Basic authentication on a Twilio route.
 */
export class SealedAuthTokens1795850000000 implements MigrationInterface {
  name = 'SealedAuthTokens1795850000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE tenants ADD COLUMN auth_token_sealed bytea`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE tenants DROP COLUMN auth_token_sealed`);
  }
}

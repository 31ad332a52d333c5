import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Secrets FleetHub generates for itself when the operator sets none, kept where every process of
 * a deployment finds them: outside production, on an external PostgreSQL without
 * SECRETS_ENCRYPTION_KEY, the key that seals stored secrets. Read once at start-up, before the
 * application's data source exists.
 */
export class GeneratedSecrets1795910000000 implements MigrationInterface {
  name = 'GeneratedSecrets1795910000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE generated_secrets (
        name varchar(64) PRIMARY KEY,
        value text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE generated_secrets`);
  }
}

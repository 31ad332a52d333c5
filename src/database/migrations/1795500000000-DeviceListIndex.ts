import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The device list pages by external id in byte order (`COLLATE "C"`): the same order on every
 * server whatever its locale, so keyset cursors stay valid, and an order in which an id-prefix
 * search (`LIKE 'abc%'`) is an index range. The unique (tenant_id, external_id) index follows the
 * database's collation, which can do neither everywhere.
 */
export class DeviceListIndex1795500000000 implements MigrationInterface {
  name = 'DeviceListIndex1795500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX devices_tenant_external_id_c_idx ON devices (tenant_id, external_id COLLATE "C")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX devices_tenant_external_id_c_idx`);
  }
}

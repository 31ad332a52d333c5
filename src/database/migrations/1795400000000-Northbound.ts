import { MigrationInterface, QueryRunner } from 'typeorm';

/** Asset Tracker messages, and the device time of a device's reported status and sensors. */
export class Northbound1795400000000 implements MigrationInterface {
  name = 'Northbound1795400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE devices ADD COLUMN state_reported_at timestamptz`);
    // One row per distinct message: the key is the de-duplication rule (a tracker replays from
    // flash and may post a message twice) and, led by the tracker and its time, the history index.
    // No foreign keys, as for positions: the row is written with its device in one transaction.
    await queryRunner.query(`
      CREATE TABLE tracker_messages (
        tenant_id uuid NOT NULL,
        tracker_id varchar(64) NOT NULL,
        recorded_at timestamptz NOT NULL,
        body_hash bytea NOT NULL,
        received_at timestamptz NOT NULL,
        in_motion boolean,
        in_geofence boolean,
        repossession boolean,
        temperature double precision,
        battery_level double precision,
        cell_info jsonb,
        gnss_info jsonb,
        warnings jsonb,
        message jsonb NOT NULL,
        PRIMARY KEY (tenant_id, tracker_id, recorded_at, body_hash)
      )`);
    await queryRunner.query(
      `CREATE INDEX tracker_messages_received_at_brin ON tracker_messages USING brin (received_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE tracker_messages`);
    await queryRunner.query(`ALTER TABLE devices DROP COLUMN state_reported_at`);
  }
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const POSITION_SOURCES = ['telemetry', 'northbound'] as const;
export type PositionSource = (typeof POSITION_SOURCES)[number];

const POSITIONS_PKEY = 'positions_pkey';

/**
 * One reading of a device's position: a time-series row. The primary key is the natural key
 * (device, device time, event code), which makes replayed and duplicated batches harmless, and
 * serves per-device history.
 *
 * The table is partitioned by range of `recorded_at`, one partition a month and a default one (see
 * the DataLifecycle migration and the data-lifecycle job, which keeps creating them). TypeORM
 * cannot declare partitioning: its schema builder sees the partitioned table as this entity and
 * leaves the partitions, which no entity maps, alone. No foreign keys: the writer upserts the
 * device in the same statement, and a per-row check cost 40% of an insert.
 */
@Entity('positions')
export class PositionEntity {
  @PrimaryColumn({ name: 'device_id', type: 'bigint', primaryKeyConstraintName: POSITIONS_PKEY })
  deviceId!: string;

  /** Tenant-wide scans by time use the BRIN index: a tiny fraction of a B-tree's size. */
  @PrimaryColumn({
    name: 'recorded_at',
    type: 'timestamptz',
    primaryKeyConstraintName: POSITIONS_PKEY,
  })
  @Index('positions_recorded_at_brin', { type: 'brin' })
  recordedAt!: Date;

  @PrimaryColumn({ type: 'varchar', length: 20, primaryKeyConstraintName: POSITIONS_PKEY })
  eventcode!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ type: 'varchar', length: 16 })
  source!: PositionSource;

  @Column({ type: 'boolean' })
  fix!: boolean;

  @Column({ type: 'double precision' })
  lat!: number;

  @Column({ type: 'double precision' })
  lon!: number;

  @Column({ type: 'double precision', nullable: true })
  altitude!: number | null;

  @Column({ type: 'double precision', nullable: true })
  speed!: number | null;

  @Column({ type: 'double precision', nullable: true })
  heading!: number | null;

  @Column({ type: 'smallint', nullable: true })
  satellites!: number | null;

  @Column({ type: 'boolean', nullable: true })
  ignition!: boolean | null;

  @Column({ type: 'double precision', nullable: true })
  accuracy!: number | null;

  @Column({ type: 'double precision', nullable: true })
  odometer!: number | null;

  @Column({ type: 'double precision', nullable: true })
  horometer!: number | null;

  @Column({ type: 'text', nullable: true })
  address!: string | null;

  @Column({ type: 'double precision', nullable: true })
  temperature!: number | null;

  @Column({ type: 'double precision', nullable: true })
  battery!: number | null;

  @Column({ type: 'jsonb', nullable: true })
  extra!: Record<string, unknown> | null;
}

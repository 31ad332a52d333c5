import { Column, Entity, PrimaryColumn } from 'typeorm';

export const POSITION_SOURCES = ['telemetry', 'northbound'] as const;
export type PositionSource = (typeof POSITION_SOURCES)[number];

/**
 * One reading of a device's position: a time-series row. The primary key is the natural key
 * (device, device time, event code), which makes replayed and duplicated batches harmless.
 */
@Entity('positions')
export class PositionEntity {
  @PrimaryColumn({ name: 'device_id', type: 'bigint' })
  deviceId!: string;

  @PrimaryColumn({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;

  @PrimaryColumn({ type: 'varchar', length: 20 })
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

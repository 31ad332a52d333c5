import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const DEVICE_KINDS = ['tracker', 'asset-tracker'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** A device as FleetHub knows it: identity, when it was seen, and its latest state. */
@Entity('devices')
@Index(['tenantId', 'externalId'], { unique: true })
export class DeviceEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  /** IMEI for telemetry trackers, trackerId for Asset Trackers. */
  @Column({ name: 'external_id', type: 'varchar', length: 64 })
  externalId!: string;

  @Column({ type: 'varchar', length: 20 })
  kind!: DeviceKind;

  @Column({ name: 'first_seen_at', type: 'timestamptz' })
  firstSeenAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;

  /** Device time of `latestPosition`: "latest" is by device time, never by arrival. */
  @Column({ name: 'latest_recorded_at', type: 'timestamptz', nullable: true })
  latestRecordedAt!: Date | null;

  @Column({ name: 'latest_position', type: 'jsonb', nullable: true })
  latestPosition!: Record<string, unknown> | null;

  @Column({ name: 'last_fix_recorded_at', type: 'timestamptz', nullable: true })
  lastFixRecordedAt!: Date | null;

  /** The newest position with a valid GPS fix; `fix: false` points never land here. */
  @Column({ name: 'last_fix_position', type: 'jsonb', nullable: true })
  lastFixPosition!: Record<string, unknown> | null;

  /** Device time of `status` and `sensors`: like positions, they only move forward by it. */
  @Column({ name: 'state_reported_at', type: 'timestamptz', nullable: true })
  stateReportedAt!: Date | null;

  @Column({ type: 'jsonb', nullable: true })
  status!: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  sensors!: Record<string, unknown> | null;
}

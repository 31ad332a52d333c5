import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { TenantEntity } from '../../auth/entities/tenant.entity';

export const DEVICE_KINDS = ['tracker', 'asset-tracker'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/**
 * A device as FleetHub knows it: identity, when it was seen, and its latest state.
 *
 * The table is stored with `fillfactor = 50` so that the update every stored batch makes stays on
 * its page (see the DeviceUpdatesInPlace migration); TypeORM has no storage parameters, and its
 * schema builder neither reads nor sets them.
 */
@Entity('devices')
@Unique('devices_tenant_id_external_id_key', ['tenantId', 'externalId'])
// The device list's keyset index: (tenant_id, external_id COLLATE "C"), byte order whatever the
// database's locale (see the DeviceListIndex migration). TypeORM cannot give an index column a
// collation, so the schema builder leaves this index as the migration made it.
@Index('devices_tenant_external_id_c_idx', { synchronize: false })
export class DeviceEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'devices_pkey',
  })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  @ForeignKey(() => TenantEntity, { name: 'devices_tenant_id_fkey', onDelete: 'CASCADE' })
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

  @Column({ type: 'jsonb', nullable: true })
  status!: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  sensors!: Record<string, unknown> | null;

  /** Device time of `status` and `sensors`: like positions, they only move forward by it. */
  @Column({ name: 'state_reported_at', type: 'timestamptz', nullable: true })
  stateReportedAt!: Date | null;
}

import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { TenantEntity } from '../../auth/entities/tenant.entity';
import { MicrovisorAppEntity } from './app.entity';

export const UPDATE_STATUSES = ['up-to-date', 'pending', 'error'] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];

/**
 * A Microvisor device, registered by an operator with a credential of its own (stored hashed)
 * that it presents at check-in; what it is targeted at, and what it last reported.
 */
@Entity('microvisor_devices')
@Unique('microvisor_devices_tenant_id_unique_name_key', ['tenantId', 'uniqueName'])
@Unique('microvisor_devices_credential_hash_key', ['credentialHash'])
@Index('microvisor_devices_page_idx', ['tenantId', 'createdAt', 'sid'])
@Check(
  'microvisor_devices_update_status_check',
  `update_status IN ('up-to-date', 'pending', 'error')`,
)
export class MicrovisorDeviceEntity {
  /** `UV` + 32 hex digits. */
  @PrimaryColumn({ type: 'char', length: 34, primaryKeyConstraintName: 'microvisor_devices_pkey' })
  sid!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  @ForeignKey(() => TenantEntity, {
    name: 'microvisor_devices_tenant_id_fkey',
    onDelete: 'CASCADE',
  })
  tenantId!: string;

  @Column({ name: 'unique_name', type: 'varchar', length: 64, nullable: true })
  uniqueName!: string | null;

  /** SHA-256 of the device's credential (high-entropy, so a plain digest is enough). */
  @Column({ name: 'credential_hash', type: 'bytea', select: false })
  credentialHash!: Buffer;

  @Column({ name: 'target_app_sid', type: 'char', length: 34, nullable: true })
  @ForeignKey(() => MicrovisorAppEntity, 'sid', {
    name: 'microvisor_devices_target_app_sid_fkey',
    onDelete: 'RESTRICT',
  })
  @Index('microvisor_devices_target_app_idx')
  targetAppSid!: string | null;

  @Column({ name: 'targeted_at', type: 'timestamptz', nullable: true })
  targetedAt!: Date | null;

  @Column({ name: 'update_status', type: 'varchar', length: 10, default: 'up-to-date' })
  updateStatus!: UpdateStatus;

  @Column({ name: 'update_error_code', type: 'integer', default: 0 })
  updateErrorCode!: number;

  /** The app the device last said it runs: a record, not a reference (the app may be deleted). */
  @Column({ name: 'reported_app_sid', type: 'char', length: 34, nullable: true })
  reportedAppSid!: string | null;

  @Column({ name: 'reported_at', type: 'timestamptz', nullable: true })
  reportedAt!: Date | null;

  /** Logging is enabled while this lies ahead. */
  @Column({ name: 'logging_expires_at', type: 'timestamptz', nullable: true })
  loggingExpiresAt!: Date | null;

  /** A restart asked for and not yet collected by a check-in. */
  @Column({ name: 'restart_requested_at', type: 'timestamptz', nullable: true })
  restartRequestedAt!: Date | null;

  @Column({ name: 'last_check_in_at', type: 'timestamptz', nullable: true })
  lastCheckInAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

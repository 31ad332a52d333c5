import { Column, CreateDateColumn, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { TenantEntity } from '../../auth/entities/tenant.entity';
import { MicrovisorDeviceEntity } from './device.entity';

/** A secret for one device, received at its check-in; its value is sealed. */
@Entity('microvisor_device_secrets')
export class DeviceSecretEntity {
  @PrimaryColumn({
    name: 'device_sid',
    type: 'char',
    length: 34,
    primaryKeyConstraintName: 'microvisor_device_secrets_pkey',
  })
  @ForeignKey(() => MicrovisorDeviceEntity, 'sid', {
    name: 'microvisor_device_secrets_device_sid_fkey',
    onDelete: 'CASCADE',
  })
  deviceSid!: string;

  @PrimaryColumn({
    type: 'varchar',
    length: 100,
    collation: 'C',
    primaryKeyConstraintName: 'microvisor_device_secrets_pkey',
  })
  key!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  @ForeignKey(() => TenantEntity, {
    name: 'microvisor_device_secrets_tenant_id_fkey',
    onDelete: 'CASCADE',
  })
  tenantId!: string;

  /**
   * AES-256-GCM under SECRETS_ENCRYPTION_KEY: never stored, logged or answered in clear. Selected
   * only to open it for the device's check-in.
   */
  @Column({ name: 'value_sealed', type: 'bytea', select: false })
  valueSealed!: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'rotated_at', type: 'timestamptz', default: () => 'now()' })
  rotatedAt!: Date;
}

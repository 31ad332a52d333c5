import {
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { TenantEntity } from '../../auth/entities/tenant.entity';
import { MicrovisorDeviceEntity } from './device.entity';

/** A config value for one device, received at its check-in. */
@Entity('microvisor_device_configs')
export class DeviceConfigEntity {
  @PrimaryColumn({
    name: 'device_sid',
    type: 'char',
    length: 34,
    primaryKeyConstraintName: 'microvisor_device_configs_pkey',
  })
  @ForeignKey(() => MicrovisorDeviceEntity, 'sid', {
    name: 'microvisor_device_configs_device_sid_fkey',
    onDelete: 'CASCADE',
  })
  deviceSid!: string;

  @PrimaryColumn({
    type: 'varchar',
    length: 100,
    collation: 'C',
    primaryKeyConstraintName: 'microvisor_device_configs_pkey',
  })
  key!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  @ForeignKey(() => TenantEntity, {
    name: 'microvisor_device_configs_tenant_id_fkey',
    onDelete: 'CASCADE',
  })
  tenantId!: string;

  @Column({ type: 'varchar', length: 4096 })
  value!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

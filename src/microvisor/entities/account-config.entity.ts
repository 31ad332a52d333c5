import {
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { TenantEntity } from '../../auth/entities/tenant.entity';

/** A config value every device of the account receives at check-in. */
@Entity('microvisor_account_configs')
export class AccountConfigEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'uuid',
    primaryKeyConstraintName: 'microvisor_account_configs_pkey',
  })
  @ForeignKey(() => TenantEntity, {
    name: 'microvisor_account_configs_tenant_id_fkey',
    onDelete: 'CASCADE',
  })
  tenantId!: string;

  @PrimaryColumn({
    type: 'varchar',
    length: 100,
    collation: 'C',
    primaryKeyConstraintName: 'microvisor_account_configs_pkey',
  })
  key!: string;

  @Column({ type: 'varchar', length: 4096 })
  value!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

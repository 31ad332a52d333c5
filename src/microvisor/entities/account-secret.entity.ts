import { Column, CreateDateColumn, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { TenantEntity } from '../../auth/entities/tenant.entity';

/** A secret every device of the account receives at check-in; its value is sealed. */
@Entity('microvisor_account_secrets')
export class AccountSecretEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'uuid',
    primaryKeyConstraintName: 'microvisor_account_secrets_pkey',
  })
  @ForeignKey(() => TenantEntity, {
    name: 'microvisor_account_secrets_tenant_id_fkey',
    onDelete: 'CASCADE',
  })
  tenantId!: string;

  @PrimaryColumn({
    type: 'varchar',
    length: 100,
    collation: 'C',
    primaryKeyConstraintName: 'microvisor_account_secrets_pkey',
  })
  key!: string;

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

import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { TenantEntity } from '../../auth/entities/tenant.entity';
import { SimEntity } from './sim.entity';

/** A Sim's data traffic in one hour (bytes of request and answer bodies). */
@Entity('wireless_sim_usage')
@Index('wireless_sim_usage_tenant_hour_idx', ['tenantId', 'hour'])
export class SimUsageEntity {
  @PrimaryColumn({
    name: 'sim_sid',
    type: 'char',
    length: 34,
    primaryKeyConstraintName: 'wireless_sim_usage_pkey',
  })
  @ForeignKey(() => SimEntity, 'sid', {
    name: 'wireless_sim_usage_sim_sid_fkey',
    onDelete: 'CASCADE',
  })
  simSid!: string;

  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'wireless_sim_usage_pkey' })
  hour!: Date;

  @Column({ name: 'tenant_id', type: 'uuid' })
  @ForeignKey(() => TenantEntity, {
    name: 'wireless_sim_usage_tenant_id_fkey',
    onDelete: 'CASCADE',
  })
  tenantId!: string;

  @Column({ name: 'upload_bytes', type: 'bigint', default: 0 })
  uploadBytes!: string;

  @Column({ name: 'download_bytes', type: 'bigint', default: 0 })
  downloadBytes!: string;
}

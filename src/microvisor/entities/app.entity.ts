import {
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

/** A Microvisor App: an uploaded bundle (a zip) that devices can be targeted at. */
@Entity('microvisor_apps')
@Unique('microvisor_apps_tenant_id_unique_name_key', ['tenantId', 'uniqueName'])
@Index('microvisor_apps_page_idx', ['tenantId', 'createdAt', 'sid'])
export class MicrovisorAppEntity {
  /** `KA` + 32 hex digits. */
  @PrimaryColumn({ type: 'char', length: 34, primaryKeyConstraintName: 'microvisor_apps_pkey' })
  sid!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  @ForeignKey(() => TenantEntity, { name: 'microvisor_apps_tenant_id_fkey', onDelete: 'CASCADE' })
  tenantId!: string;

  @Column({ name: 'unique_name', type: 'varchar', length: 64, nullable: true })
  uniqueName!: string | null;

  /** `sha256:<hex of the bundle>`. */
  @Column({ type: 'varchar', length: 71 })
  hash!: string;

  /** The bundle as uploaded; select it only to serve it. */
  @Column({ type: 'bytea', select: false })
  bundle!: Buffer;

  /** The manifest derived from the bundle (the API shows it base64-encoded). */
  @Column({ type: 'bytea' })
  manifest!: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

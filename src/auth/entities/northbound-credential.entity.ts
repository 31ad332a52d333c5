import {
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { TenantEntity } from './tenant.entity';

/** HTTP Basic credentials an Asset Tracker uses to POST to the northbound API. */
@Entity('northbound_credentials')
@Unique('northbound_credentials_username_key', ['username'])
export class NorthboundCredentialEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'northbound_credentials_pkey' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  @ForeignKey(() => TenantEntity, {
    name: 'northbound_credentials_tenant_id_fkey',
    onDelete: 'CASCADE',
  })
  @Index('northbound_credentials_tenant_idx')
  tenantId!: string;

  @Column({ type: 'varchar', length: 64 })
  username!: string;

  /** SHA-256 of the generated password (a high-entropy secret, like an API key). */
  @Column({ name: 'password_hash', type: 'bytea' })
  passwordHash!: Buffer;

  @Column({ type: 'varchar', length: 100, nullable: true })
  label!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}

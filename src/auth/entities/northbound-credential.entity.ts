import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** HTTP Basic credentials an Asset Tracker uses to POST to the northbound API. */
@Entity('northbound_credentials')
export class NorthboundCredentialEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
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

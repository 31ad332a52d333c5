import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A secret FleetHub generated for itself because the operator set none (see
 * `generated-encryption-key.ts`, which reads it at start-up, before the application exists).
 */
@Entity('generated_secrets')
export class GeneratedSecretEntity {
  @PrimaryColumn({
    type: 'varchar',
    length: 64,
    primaryKeyConstraintName: 'generated_secrets_pkey',
  })
  name!: string;

  /** Base64 text. */
  @Column({ type: 'text' })
  value!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

@Entity('tenants')
@Unique('tenants_slug_key', ['slug'])
@Unique('tenants_account_sid_key', ['accountSid'])
export class TenantEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'tenants_pkey' })
  id!: string;

  /** The value clients send in the `tenant` header. */
  @Column({ type: 'varchar', length: 63 })
  slug!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** Twilio-style Account SID (`AC` + 32 hex): the Basic-auth username of the Twilio-compatible APIs. */
  @Column({ name: 'account_sid', type: 'char', length: 34 })
  accountSid!: string;

  /** SHA-256 of the auth token (the Basic-auth password of the Twilio-compatible APIs). */
  @Column({ name: 'auth_token_hash', type: 'bytea' })
  authTokenHash!: Buffer;

  /**
   * The auth token sealed under SECRETS_ENCRYPTION_KEY (see `TenantAuthTokens`): it signs the
   * tenant's outbound callbacks. Null for a tenant created before it was kept and not
   * authenticated with it since.
   */
  @Column({ name: 'auth_token_sealed', type: 'bytea', nullable: true })
  authTokenSealed!: Buffer | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Telemetry token-bucket overrides (`tenant:limits`); null: the configured default applies. */
  @Column({ name: 'rate_limit_global_capacity', type: 'integer', nullable: true })
  @Check('tenants_rate_limit_global_capacity_check', 'rate_limit_global_capacity > 0')
  rateLimitGlobalCapacity!: number | null;

  @Column({ name: 'rate_limit_global_refill', type: 'integer', nullable: true })
  @Check('tenants_rate_limit_global_refill_check', 'rate_limit_global_refill > 0')
  rateLimitGlobalRefill!: number | null;

  @Column({ name: 'rate_limit_imei_capacity', type: 'integer', nullable: true })
  @Check('tenants_rate_limit_imei_capacity_check', 'rate_limit_imei_capacity > 0')
  rateLimitImeiCapacity!: number | null;

  @Column({ name: 'rate_limit_imei_refill', type: 'integer', nullable: true })
  @Check('tenants_rate_limit_imei_refill_check', 'rate_limit_imei_refill > 0')
  rateLimitImeiRefill!: number | null;

  /**
   * Days its positions, events and messages are kept (`tenant:retention`); 0: forever; null: the
   * server's RETENTION_DAYS.
   */
  @Column({ name: 'retention_days', type: 'integer', nullable: true })
  @Check('tenants_retention_days_check', 'retention_days >= 0')
  retentionDays!: number | null;
}

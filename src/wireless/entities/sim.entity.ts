import {
  Check,
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
import { RatePlanEntity } from './rate-plan.entity';

export const SIM_STATUSES = [
  'new',
  'ready',
  'active',
  'suspended',
  'deactivated',
  'canceled',
  'scheduled',
  'updating',
] as const;
export type SimStatus = (typeof SIM_STATUSES)[number];

export const HTTP_METHODS = ['GET', 'POST'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/**
 * A Wireless Sim: one physical SIM card, imported by an operator (Twilio's API has no create).
 * `imei` links it to the device that sends telemetry under that IMEI: its traffic is the Sim's
 * usage.
 */
@Entity('wireless_sims')
@Unique('wireless_sims_iccid_key', ['iccid'])
@Unique('wireless_sims_tenant_id_unique_name_key', ['tenantId', 'uniqueName'])
@Index('wireless_sims_page_idx', ['tenantId', 'createdAt', 'sid'])
@Index('wireless_sims_imei_idx', ['tenantId', 'imei'])
@Check(
  'wireless_sims_status_check',
  `status IN ('new', 'ready', 'active', 'suspended', 'deactivated', 'canceled', 'scheduled', 'updating')`,
)
@Check('wireless_sims_reset_status_check', `reset_status = 'resetting'`)
export class SimEntity {
  /** `DE` + 32 hex digits. */
  @PrimaryColumn({ type: 'char', length: 34, primaryKeyConstraintName: 'wireless_sims_pkey' })
  sid!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  @ForeignKey(() => TenantEntity, { name: 'wireless_sims_tenant_id_fkey', onDelete: 'CASCADE' })
  tenantId!: string;

  @Column({ type: 'varchar', length: 22 })
  iccid!: string;

  @Column({ name: 'unique_name', type: 'varchar', length: 64, nullable: true })
  uniqueName!: string | null;

  @Column({ name: 'friendly_name', type: 'varchar', length: 64, nullable: true })
  friendlyName!: string | null;

  @Column({ name: 'e_id', type: 'varchar', length: 32, nullable: true })
  eId!: string | null;

  /** The code the `SimRegistrationCode` filter matches (printed on the SIM's packaging). */
  @Column({ name: 'registration_code', type: 'varchar', length: 64, nullable: true })
  registrationCode!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  imei!: string | null;

  @Column({ name: 'rate_plan_sid', type: 'char', length: 34, nullable: true })
  @ForeignKey(() => RatePlanEntity, 'sid', {
    name: 'wireless_sims_rate_plan_sid_fkey',
    onDelete: 'RESTRICT',
  })
  @Index('wireless_sims_rate_plan_idx')
  ratePlanSid!: string | null;

  @Column({ type: 'varchar', length: 12, default: 'new' })
  status!: SimStatus;

  /** Where a Sim that is `updating` or `scheduled` is going: the job that completes it reads it. */
  @Column({ name: 'target_status', type: 'varchar', length: 12, nullable: true })
  targetStatus!: SimStatus | null;

  @Column({ name: 'reset_status', type: 'varchar', length: 12, nullable: true })
  resetStatus!: 'resetting' | null;

  @Column({ name: 'ip_address', type: 'varchar', length: 45, nullable: true })
  ipAddress!: string | null;

  /** Where device-originated Commands are sent. */
  @Column({ name: 'commands_callback_url', type: 'varchar', length: 2048, nullable: true })
  commandsCallbackUrl!: string | null;

  @Column({ name: 'commands_callback_method', type: 'varchar', length: 4, default: 'POST' })
  commandsCallbackMethod!: HttpMethod;

  @Column({ name: 'sms_url', type: 'varchar', length: 2048, nullable: true })
  smsUrl!: string | null;

  @Column({ name: 'sms_method', type: 'varchar', length: 4, default: 'POST' })
  smsMethod!: HttpMethod;

  @Column({ name: 'sms_fallback_url', type: 'varchar', length: 2048, nullable: true })
  smsFallbackUrl!: string | null;

  @Column({ name: 'sms_fallback_method', type: 'varchar', length: 4, default: 'POST' })
  smsFallbackMethod!: HttpMethod;

  @Column({ name: 'voice_url', type: 'varchar', length: 2048, nullable: true })
  voiceUrl!: string | null;

  @Column({ name: 'voice_method', type: 'varchar', length: 4, default: 'POST' })
  voiceMethod!: HttpMethod;

  @Column({ name: 'voice_fallback_url', type: 'varchar', length: 2048, nullable: true })
  voiceFallbackUrl!: string | null;

  @Column({ name: 'voice_fallback_method', type: 'varchar', length: 4, default: 'POST' })
  voiceFallbackMethod!: HttpMethod;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

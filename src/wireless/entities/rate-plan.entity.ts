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

/** A Wireless RatePlan: what the Sims on it may do (data, messaging, roaming) and their limits. */
@Entity('wireless_rate_plans')
@Unique('wireless_rate_plans_tenant_id_unique_name_key', ['tenantId', 'uniqueName'])
@Index('wireless_rate_plans_page_idx', ['tenantId', 'createdAt', 'sid'])
@Check('wireless_rate_plans_data_limit_check', 'data_limit BETWEEN 0 AND 2000000')
@Check(
  'wireless_rate_plans_national_roaming_data_limit_check',
  'national_roaming_data_limit BETWEEN 0 AND 2000000',
)
@Check(
  'wireless_rate_plans_international_roaming_data_limit_check',
  'international_roaming_data_limit BETWEEN 0 AND 2000000',
)
export class RatePlanEntity {
  /** `WP` + 32 hex digits. */
  @PrimaryColumn({ type: 'char', length: 34, primaryKeyConstraintName: 'wireless_rate_plans_pkey' })
  sid!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  @ForeignKey(() => TenantEntity, {
    name: 'wireless_rate_plans_tenant_id_fkey',
    onDelete: 'CASCADE',
  })
  tenantId!: string;

  @Column({ name: 'unique_name', type: 'varchar', length: 64, nullable: true })
  uniqueName!: string | null;

  @Column({ name: 'friendly_name', type: 'varchar', length: 64, nullable: true })
  friendlyName!: string | null;

  @Column({ name: 'data_enabled', type: 'boolean' })
  dataEnabled!: boolean;

  /** Megabytes a month on the home network. */
  @Column({ name: 'data_limit', type: 'integer' })
  dataLimit!: number;

  @Column({ name: 'data_metering', type: 'varchar', length: 16 })
  dataMetering!: string;

  @Column({ name: 'data_limit_strategy', type: 'varchar', length: 8 })
  dataLimitStrategy!: string;

  @Column({ name: 'messaging_enabled', type: 'boolean' })
  messagingEnabled!: boolean;

  @Column({ name: 'voice_enabled', type: 'boolean' })
  voiceEnabled!: boolean;

  @Column({ name: 'national_roaming_enabled', type: 'boolean' })
  nationalRoamingEnabled!: boolean;

  @Column({ name: 'national_roaming_data_limit', type: 'integer' })
  nationalRoamingDataLimit!: number;

  @Column({ name: 'international_roaming', type: 'text', array: true })
  internationalRoaming!: string[];

  @Column({ name: 'international_roaming_data_limit', type: 'integer' })
  internationalRoamingDataLimit!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

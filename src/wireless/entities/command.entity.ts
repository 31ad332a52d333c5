import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { TenantEntity } from '../../auth/entities/tenant.entity';
import { SimEntity, type HttpMethod } from './sim.entity';

export const COMMAND_STATUSES = ['queued', 'sent', 'delivered', 'received', 'failed'] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];
export const COMMAND_MODES = ['text', 'binary'] as const;
export type CommandMode = (typeof COMMAND_MODES)[number];
export const COMMAND_DIRECTIONS = ['from_sim', 'to_sim'] as const;
export type CommandDirection = (typeof COMMAND_DIRECTIONS)[number];
export const COMMAND_TRANSPORTS = ['sms', 'ip'] as const;
export type CommandTransport = (typeof COMMAND_TRANSPORTS)[number];
export const INCLUDE_SID_OPTIONS = ['none', 'start', 'end'] as const;
export type IncludeSid = (typeof INCLUDE_SID_OPTIONS)[number];

/** A machine-to-machine Command: a short text or binary message to a Sim (`to_sim`) or from it. */
@Entity('wireless_commands')
@Index('wireless_commands_page_idx', ['tenantId', 'createdAt', 'sid'])
@Index('wireless_commands_sim_idx', ['simSid', 'createdAt', 'sid'])
@Index('wireless_commands_queued_idx', ['simSid'], { where: `status = 'queued'` })
@Check('wireless_commands_command_mode_check', `command_mode IN ('text', 'binary')`)
@Check('wireless_commands_transport_check', `transport IN ('sms', 'ip')`)
@Check('wireless_commands_include_sid_check', `include_sid IN ('none', 'start', 'end')`)
@Check(
  'wireless_commands_status_check',
  `status IN ('queued', 'sent', 'delivered', 'received', 'failed')`,
)
@Check('wireless_commands_direction_check', `direction IN ('from_sim', 'to_sim')`)
export class CommandEntity {
  /** `DC` + 32 hex digits. */
  @PrimaryColumn({ type: 'char', length: 34, primaryKeyConstraintName: 'wireless_commands_pkey' })
  sid!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  @ForeignKey(() => TenantEntity, { name: 'wireless_commands_tenant_id_fkey', onDelete: 'CASCADE' })
  tenantId!: string;

  @Column({ name: 'sim_sid', type: 'char', length: 34 })
  @ForeignKey(() => SimEntity, 'sid', {
    name: 'wireless_commands_sim_sid_fkey',
    onDelete: 'CASCADE',
  })
  simSid!: string;

  /** The text, or for `binary` commands the base64 of the bytes, as the API received it. */
  @Column({ type: 'text' })
  command!: string;

  @Column({ name: 'command_mode', type: 'varchar', length: 6 })
  commandMode!: CommandMode;

  @Column({ type: 'varchar', length: 3 })
  transport!: CommandTransport;

  @Column({ name: 'include_sid', type: 'varchar', length: 5, default: 'none' })
  includeSid!: IncludeSid;

  @Column({ name: 'delivery_receipt_requested', type: 'boolean' })
  deliveryReceiptRequested!: boolean;

  @Column({ type: 'varchar', length: 9 })
  status!: CommandStatus;

  @Column({ type: 'varchar', length: 8 })
  direction!: CommandDirection;

  @Column({ name: 'callback_url', type: 'varchar', length: 2048, nullable: true })
  callbackUrl!: string | null;

  @Column({ name: 'callback_method', type: 'varchar', length: 4, default: 'POST' })
  callbackMethod!: HttpMethod;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

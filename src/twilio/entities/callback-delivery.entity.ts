import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { TenantEntity } from '../../auth/entities/tenant.entity';

export const CALLBACK_METHODS = ['GET', 'POST'] as const;
export type CallbackMethod = (typeof CALLBACK_METHODS)[number];

/** `pending` until delivered (a 2xx answer) or given up (attempts spent, or refused outright). */
export const CALLBACK_STATES = ['pending', 'delivered', 'given_up'] as const;
export type CallbackState = (typeof CALLBACK_STATES)[number];

/**
 * One outbound callback and how its delivery went. Holds no secret and no body: the URL without
 * its credentials and query string, the resource it is about, and what the last attempt met.
 */
@Entity('callback_deliveries')
@Index('callback_deliveries_undelivered_idx', ['tenantId', 'createdAt'], {
  where: `state <> 'delivered'`,
})
@Check('callback_deliveries_method_check', `method IN ('GET', 'POST')`)
@Check('callback_deliveries_state_check', `state IN ('pending', 'delivered', 'given_up')`)
@Check('callback_deliveries_attempts_check', 'attempts >= 0')
export class CallbackDeliveryEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'callback_deliveries_pkey' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  @ForeignKey(() => TenantEntity, {
    name: 'callback_deliveries_tenant_id_fkey',
    onDelete: 'CASCADE',
  })
  tenantId!: string;

  /** The SID of the resource the callback reports on (a Sim, a Command...). */
  @Column({ type: 'varchar', length: 34 })
  about!: string;

  /** Scheme, host, port and path only: credentials and query string may be secrets. */
  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ type: 'varchar', length: 4 })
  method!: CallbackMethod;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  state!: CallbackState;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** The HTTP status of the last answer; null when the last attempt got none. */
  @Column({ name: 'last_status', type: 'integer', nullable: true })
  lastStatus!: number | null;

  /** What kept the last attempt from an answer (`Timeout`, `ECONNREFUSED`, `ForbiddenAddress`...). */
  @Column({ name: 'last_error', type: 'varchar', length: 64, nullable: true })
  lastError!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_attempt_at', type: 'timestamptz', nullable: true })
  lastAttemptAt!: Date | null;

  /** When it was delivered or given up. */
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}

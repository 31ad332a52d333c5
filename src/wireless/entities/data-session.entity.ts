import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { TenantEntity } from '../../auth/entities/tenant.entity';
import { SimEntity } from './sim.entity';

/**
 * A period of traffic from a Sim's device: it opens with the first request after a silence and
 * ends after DATA_SESSION_IDLE_MINUTES without one. Packets are the HTTP requests and answers;
 * bytes their bodies. A Sim has at most one open session (`ended_at` null).
 */
@Entity('wireless_data_sessions')
@Index('wireless_data_sessions_page_idx', ['simSid', 'startedAt', 'sid'])
@Index('wireless_data_sessions_open_idx', ['simSid'], { unique: true, where: 'ended_at IS NULL' })
export class DataSessionEntity {
  /** `WN` + 32 hex digits. */
  @PrimaryColumn({
    type: 'char',
    length: 34,
    primaryKeyConstraintName: 'wireless_data_sessions_pkey',
  })
  sid!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  @ForeignKey(() => TenantEntity, {
    name: 'wireless_data_sessions_tenant_id_fkey',
    onDelete: 'CASCADE',
  })
  tenantId!: string;

  @Column({ name: 'sim_sid', type: 'char', length: 34 })
  @ForeignKey(() => SimEntity, 'sid', {
    name: 'wireless_data_sessions_sim_sid_fkey',
    onDelete: 'CASCADE',
  })
  simSid!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  imei!: string | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'last_updated_at', type: 'timestamptz' })
  lastUpdatedAt!: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'packets_uploaded', type: 'bigint', default: 0 })
  packetsUploaded!: string;

  @Column({ name: 'packets_downloaded', type: 'bigint', default: 0 })
  packetsDownloaded!: string;

  @Column({ name: 'bytes_uploaded', type: 'bigint', default: 0 })
  bytesUploaded!: string;

  @Column({ name: 'bytes_downloaded', type: 'bigint', default: 0 })
  bytesDownloaded!: string;
}

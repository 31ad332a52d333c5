import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { DroppedValue } from '../northbound.queue';

const TRACKER_MESSAGES_PKEY = 'tracker_messages_pkey';

/**
 * One message an Asset Tracker posted, kept whole: the known fields the API accepted as typed
 * columns, and the body itself (unknown keys included) in `message`. The primary key is the
 * de-duplication rule: tenant, tracker, device time and a hash of the body's content; led by the
 * tracker and its time, it is also the history index. No foreign keys, as for positions: the row
 * is written with its device in one transaction.
 */
@Entity('tracker_messages')
export class TrackerMessageEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'uuid',
    primaryKeyConstraintName: TRACKER_MESSAGES_PKEY,
  })
  tenantId!: string;

  @PrimaryColumn({
    name: 'tracker_id',
    type: 'varchar',
    length: 64,
    primaryKeyConstraintName: TRACKER_MESSAGES_PKEY,
  })
  trackerId!: string;

  /** The message's `timestamp`; its arrival time when that was missing or impossible. */
  @PrimaryColumn({
    name: 'recorded_at',
    type: 'timestamptz',
    primaryKeyConstraintName: TRACKER_MESSAGES_PKEY,
  })
  recordedAt!: Date;

  /** SHA-256 of the body's canonical JSON (keys sorted), so key order and number spelling do not matter. */
  @PrimaryColumn({
    name: 'body_hash',
    type: 'bytea',
    primaryKeyConstraintName: TRACKER_MESSAGES_PKEY,
  })
  bodyHash!: Buffer;

  /** BRIN-indexed: rows are appended in arrival order, so the index stays tiny. */
  @Column({ name: 'received_at', type: 'timestamptz' })
  @Index('tracker_messages_received_at_brin', { type: 'brin' })
  receivedAt!: Date;

  @Column({ name: 'in_motion', type: 'boolean', nullable: true })
  inMotion!: boolean | null;

  @Column({ name: 'in_geofence', type: 'boolean', nullable: true })
  inGeofence!: boolean | null;

  @Column({ type: 'boolean', nullable: true })
  repossession!: boolean | null;

  /** °C. */
  @Column({ type: 'double precision', nullable: true })
  temperature!: number | null;

  /** Percent. */
  @Column({ name: 'battery_level', type: 'double precision', nullable: true })
  batteryLevel!: number | null;

  @Column({ name: 'cell_info', type: 'jsonb', nullable: true })
  cellInfo!: Record<string, unknown> | null;

  @Column({ name: 'gnss_info', type: 'jsonb', nullable: true })
  gnssInfo!: Record<string, unknown> | null;

  /** The values the API dropped from this message, and why. */
  @Column({ type: 'jsonb', nullable: true })
  warnings!: DroppedValue[] | null;

  @Column({ type: 'jsonb' })
  message!: Record<string, unknown>;
}

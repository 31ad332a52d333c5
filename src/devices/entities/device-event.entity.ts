import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PositionSource } from './position.entity';

const DEVICE_EVENTS_PKEY = 'device_events_pkey';

/**
 * An alert or non-position event code, keyed naturally so a replay stores it once; the key also
 * serves queries by device and time. No foreign keys, as for positions.
 */
@Entity('device_events')
export class DeviceEventEntity {
  @PrimaryColumn({
    name: 'device_id',
    type: 'bigint',
    primaryKeyConstraintName: DEVICE_EVENTS_PKEY,
  })
  deviceId!: string;

  @PrimaryColumn({
    name: 'occurred_at',
    type: 'timestamptz',
    primaryKeyConstraintName: DEVICE_EVENTS_PKEY,
  })
  occurredAt!: Date;

  /** Event name: a telemetry event (`BATTERY_LOW`) or an Asset Tracker alert (`shockDetected`). */
  @PrimaryColumn({ type: 'varchar', length: 40, primaryKeyConstraintName: DEVICE_EVENTS_PKEY })
  type!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  /** The telemetry event code (`116`), when the event came from telemetry. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  code!: string | null;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ type: 'varchar', length: 16 })
  source!: PositionSource;

  @Column({ type: 'jsonb', nullable: true })
  data!: Record<string, unknown> | null;
}

import type { DeviceKind } from './entities/device.entity';
import type { PositionSource } from './entities/position.entity';

/** A position to store. Times are ISO 8601 strings with a zone, so sub-millisecond digits survive. */
export interface PositionInput {
  deviceExternalId: string;
  recordedAt: string;
  eventcode: string;
  fix: boolean;
  lat: number;
  lon: number;
  altitude?: number | null;
  speed?: number | null;
  heading?: number | null;
  satellites?: number | null;
  ignition?: boolean | null;
  accuracy?: number | null;
  odometer?: number | null;
  horometer?: number | null;
  address?: string | null;
  temperature?: number | null;
  battery?: number | null;
  extra?: Record<string, unknown> | null;
}

export interface EventInput {
  deviceExternalId: string;
  occurredAt: string;
  type: string;
  code?: string | null;
  data?: Record<string, unknown> | null;
}

/**
 * What a device reported about itself at a device time (an Asset Tracker's status flags and sensor
 * readings). The device keeps the newest report: an older one, replayed late, never replaces it.
 */
export interface DeviceStateInput {
  deviceExternalId: string;
  reportedAt: string;
  status: Record<string, unknown>;
  sensors: Record<string, unknown>;
}

/**
 * What ingestion hands the device data writer: positions, events and reported states of devices
 * that share a tenant, a device kind, a source and an arrival time.
 */
export interface DeviceDataBatch {
  tenantId: string;
  kind: DeviceKind;
  source: PositionSource;
  receivedAt: string;
  positions: PositionInput[];
  events: EventInput[];
  states?: DeviceStateInput[];
}

export interface WriteResult {
  /** Rows new to the database: replays and duplicates count zero. */
  positions: number;
  events: number;
}

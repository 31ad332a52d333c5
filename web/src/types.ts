/** The shapes of the Devices API answers the page reads (docs/api/devices.md). */

export interface PageMeta {
  nextCursor?: string | null;
  [key: string]: unknown;
}

export interface Envelope<T> {
  success: true;
  data: T;
  meta: PageMeta;
}

/** A device's latest (or last fixed) position: always these five, other readings when sent. */
export interface PositionSnapshot {
  recordedAt: string;
  eventcode: string;
  fix: boolean;
  lat: number;
  lon: number;
  speed?: number | null;
  heading?: number | null;
  battery?: number | null;
  [field: string]: unknown;
}

export type DeviceKind = 'tracker' | 'asset-tracker';

export interface Device {
  deviceId: string;
  kind: DeviceKind;
  firstSeenAt: string;
  lastSeenAt: string;
  latestPosition: PositionSnapshot | null;
  lastFixPosition: PositionSnapshot | null;
  status: Record<string, unknown> | null;
  sensors: Record<string, unknown> | null;
}

/** A stored position, as the history route pages it. */
export interface Position extends PositionSnapshot {
  receivedAt: string;
}

export interface DeviceEvent {
  occurredAt: string;
  type: string;
  code: string | null;
  source: string;
  receivedAt: string;
  data: Record<string, unknown> | null;
}

/** `event: position` of the live stream: the stored position, with its arrival time. */
export interface LivePosition {
  deviceId: string;
  kind: DeviceKind;
  position: Position;
}

/** `event: event` of the live stream. */
export interface LiveEvent {
  deviceId: string;
  kind: DeviceKind;
  event: DeviceEvent;
}

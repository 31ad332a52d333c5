import type { CellMode, LocationType, TrackerAlert } from './tracker-message.constants';

/** The northbound queue: its name, its one job and the job's payload. */
export const NORTHBOUND_QUEUE = 'northbound';
export const STORE_MESSAGE_JOB = 'store-message';

/** A known key's impossible value, dropped from a message that was otherwise kept. */
export interface DroppedValue {
  /** Dotted path: `sensors.batteryLevel`, `alerts.2`. */
  field: string;
  message: string;
}

/** A real location (never the no-fix sentinel), times as ISO 8601. */
export interface TrackerLocation {
  recordedAt: string;
  type: LocationType | null;
  accuracy: number | null;
  lat: number;
  lon: number;
}

export interface TrackerStatus {
  inMotion?: boolean;
  inGeofence?: boolean;
  repossession?: boolean;
}

export interface TrackerSensors {
  temperature?: number;
  batteryLevel?: number;
}

export interface TrackerCellInfo {
  timestamp?: number;
  mode?: CellMode;
  mcc?: string;
  mnc?: string;
  signalStrength?: number;
}

export interface TrackerGnssInfo {
  timestamp?: number;
  satellitesUsed?: number;
}

/** What the API made of a message: its known fields that passed validation, ready to store. */
export interface TrackerReading {
  trackerId: string;
  /** The message's `timestamp`, or its arrival when that was missing or impossible. */
  recordedAt: string;
  status: TrackerStatus;
  sensors: TrackerSensors;
  /** Null when there was none, it was the no-fix sentinel, or it was unusable. */
  location: TrackerLocation | null;
  alerts: TrackerAlert[];
  cellInfo: TrackerCellInfo | null;
  gnssInfo: TrackerGnssInfo | null;
}

export interface StoreTrackerMessageJob {
  tenantId: string;
  requestId: string;
  /** When the API accepted the message (ISO 8601). */
  receivedAt: string;
  reading: TrackerReading;
  /** The whole body as canonical JSON (unknown keys included): what is stored and hashed. */
  message: string;
  /** The values the API dropped, and why. */
  warnings: DroppedValue[];
}

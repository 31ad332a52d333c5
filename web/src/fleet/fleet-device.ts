import { formatEventCode } from '../format';
import type { Device, DeviceKind, LiveEvent, LivePosition, PositionSnapshot } from '../types';

/**
 * A device as the fleet view keeps it: what the API said, merged with what the live stream has
 * said since, plus the values the table and the map read, worked out once per change (not once
 * per comparison of a sort). The functions below work out a device's next values; the store
 * copies them into the one record it keeps per device, which the order and the selection hold.
 */
export interface FleetDevice {
  deviceId: string;
  /** The id in lower case: what the search matches. */
  searchKey: string;
  kind: DeviceKind;
  lastSeenAt: string;
  lastSeenMs: number;
  latestPosition: PositionSnapshot | null;
  lastFixPosition: PositionSnapshot | null;
  status: Record<string, unknown> | null;
  sensors: Record<string, unknown> | null;
  /** Where the map shows it; null when it has never been located. */
  place: PositionSnapshot | null;
  speed: number | null;
  battery: number | null;
  statusText: string;
}

type Reported = Pick<
  FleetDevice,
  'deviceId' | 'kind' | 'lastSeenAt' | 'latestPosition' | 'lastFixPosition' | 'status' | 'sensors'
>;

/** An Asset Tracker's `status` flags, as the table words them (true, false). */
const TRACKER_FLAGS: [flag: string, whenTrue: string, whenFalse: string | null][] = [
  ['inMotion', 'Moving', 'Still'],
  ['inGeofence', 'In geofence', 'Out of geofence'],
  ['repossession', 'Repossession', null],
];

function trackerSummary(status: Record<string, unknown> | null): string {
  const words = TRACKER_FLAGS.flatMap(([flag, whenTrue, whenFalse]) => {
    const value = status?.[flag];
    if (value === true) return [whenTrue];
    return value === false && whenFalse ? [whenFalse] : [];
  });
  return words.length > 0 ? words.join(', ') : '—';
}

const numberOrNull = (value: unknown) => (typeof value === 'number' ? value : null);

/**
 * A tracker's no-fix coordinates may be unreliable (the telemetry contract), so its place is its
 * last fixed position. An Asset Tracker's every stored location is real: only GNSS counts as a
 * fix there, a Wi-Fi, cell or BLE location is just less precise, so its place is its latest.
 */
function placeOf({ kind, latestPosition, lastFixPosition }: Reported): PositionSnapshot | null {
  if (kind === 'asset-tracker') return latestPosition;
  return latestPosition?.fix ? latestPosition : lastFixPosition;
}

function withDerived(reported: Reported): FleetDevice {
  const position = reported.latestPosition;
  const isAssetTracker = reported.kind === 'asset-tracker';
  return {
    ...reported,
    searchKey: reported.deviceId.toLowerCase(),
    lastSeenMs: Date.parse(reported.lastSeenAt),
    place: placeOf(reported),
    speed: numberOrNull(position?.speed),
    battery: numberOrNull(position?.battery) ?? numberOrNull(reported.sensors?.batteryLevel),
    statusText: isAssetTracker
      ? trackerSummary(reported.status)
      : formatEventCode(position?.eventcode),
  };
}

/** The newer of two positions by device time (a late arrival never replaces a newer one). */
function newer<P extends PositionSnapshot>(a: P | null, b: P | null): P | null {
  if (!a || !b) return a ?? b;
  return Date.parse(b.recordedAt) > Date.parse(a.recordedAt) ? b : a;
}

/** The later of two API times; a device not seen before (no `known`) takes `reported`. */
function later(known: string | undefined, reported: string): string {
  return known === undefined || Date.parse(reported) > Date.parse(known) ? reported : known;
}

/**
 * A device of the API merged into what the view has: its status and sensors are the API's, its
 * positions and last-seen time whichever are newer (the live stream may have gone ahead of a page).
 */
export function fromApi(device: Device, known: FleetDevice | undefined): FleetDevice {
  return withDerived({
    deviceId: device.deviceId,
    kind: device.kind,
    status: device.status,
    sensors: device.sensors,
    lastSeenAt: later(known?.lastSeenAt, device.lastSeenAt),
    latestPosition: newer(known?.latestPosition ?? null, device.latestPosition),
    lastFixPosition: newer(known?.lastFixPosition ?? null, device.lastFixPosition),
  });
}

/**
 * What any live message says of its device: it was heard from at `receivedAt`. The rest is what
 * the view knew (nothing for a device it has not seen yet): live messages carry no status.
 */
function heardFrom(
  { deviceId, kind }: LivePosition | LiveEvent,
  receivedAt: string,
  known: FleetDevice | undefined,
): Reported {
  return {
    deviceId,
    kind,
    status: known?.status ?? null,
    sensors: known?.sensors ?? null,
    lastSeenAt: later(known?.lastSeenAt, receivedAt),
    latestPosition: known?.latestPosition ?? null,
    lastFixPosition: known?.lastFixPosition ?? null,
  };
}

/** A live position applied to a device (a new one when the view has not seen it yet). */
export function withLivePosition(
  message: LivePosition,
  known: FleetDevice | undefined,
): FleetDevice {
  const { position } = message;
  const heard = heardFrom(message, position.receivedAt, known);
  return withDerived({
    ...heard,
    latestPosition: newer(heard.latestPosition, position),
    lastFixPosition: position.fix ? newer(heard.lastFixPosition, position) : heard.lastFixPosition,
  });
}

/** A live event applied to a device: it was heard from (a new one, not located yet, if unseen). */
export function withLiveEvent(message: LiveEvent, known: FleetDevice | undefined): FleetDevice {
  return withDerived(heardFrom(message, message.event.receivedAt, known));
}

export function isOnline(device: FleetDevice, now: number, offlineAfterMs: number): boolean {
  return now - device.lastSeenMs <= offlineAfterMs;
}

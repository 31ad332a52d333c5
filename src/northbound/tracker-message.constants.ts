/**
 * The Asset Tracker's vocabulary, from the tracker application's source (v3.1.2): these sets are
 * closed there, so anything else is a value the API drops.
 */

/** Every alert the tracker can raise. */
export const TRACKER_ALERTS = [
  'temperatureHigh',
  'temperatureLow',
  'shockDetected',
  'batteryLow',
  'tamperingDetected',
  'motionStarted',
  'motionStopped',
  'geofenceEntered',
  'geofenceExited',
  'repossessionActivated',
] as const;
export type TrackerAlert = (typeof TRACKER_ALERTS)[number];

/** How a location was determined. */
export const LOCATION_TYPES = ['ble', 'gnss', 'wifi+cell', 'wifi', 'cell'] as const;
export type LocationType = (typeof LOCATION_TYPES)[number];

/** The modem's system mode in `cellInfo.mode`. */
export const CELL_MODES = ['NOSERVICE', 'GSM', 'eMTC', 'NBIoT'] as const;
export type CellMode = (typeof CELL_MODES)[number];

/**
 * "No location yet": the tracker reports the North Pole, dated 0, with the Earth's radius as
 * accuracy. Either marker alone is enough to tell it from a real location.
 */
export const NO_FIX_ACCURACY = 6371009;

export function isNoFixSentinel(location: { timestamp: number; accuracy?: number }): boolean {
  return (
    location.timestamp === 0 ||
    (location.accuracy !== undefined && location.accuracy >= NO_FIX_ACCURACY)
  );
}

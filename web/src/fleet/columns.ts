import { formatSpeed, formatTime } from '../format';
import type { FleetDevice } from './fleet-device';

export type ColumnKey = 'deviceId' | 'lastSeen' | 'speed' | 'battery' | 'status' | 'online';

export interface Column {
  key: ColumnKey;
  label: string;
  /** What the cell says. */
  text(device: FleetDevice, online: boolean): string;
  /** What the column sorts by, ascending; null (nothing known) sorts last either way. */
  sortValue(device: FleetDevice, online: boolean): string | number | null;
}

/** The device table's columns, in order. */
export const COLUMNS: readonly Column[] = [
  {
    key: 'deviceId',
    label: 'IMEI',
    text: (device) => device.deviceId,
    sortValue: (device) => device.deviceId,
  },
  {
    key: 'lastSeen',
    label: 'Last seen',
    text: (device) => formatTime(device.lastSeenAt),
    sortValue: (device) => device.lastSeenMs,
  },
  {
    key: 'speed',
    label: 'Speed',
    text: (device) => formatSpeed(device.speed),
    sortValue: (device) => device.speed,
  },
  {
    key: 'battery',
    label: 'Battery',
    text: (device) => (device.battery === null ? '—' : `${Math.round(device.battery)}%`),
    sortValue: (device) => device.battery,
  },
  {
    key: 'status',
    label: 'Status',
    text: (device) => device.statusText,
    sortValue: (device) => (device.statusText === '—' ? null : device.statusText),
  },
  {
    key: 'online',
    label: 'Online',
    text: (_device, online) => (online ? 'Online' : 'Offline'),
    // Ascending: online first.
    sortValue: (_device, online) => (online ? 0 : 1),
  },
];

import { COLUMNS, type Column, type ColumnKey } from './columns';
import { isOnline, type FleetDevice } from './fleet-device';

export type SortDirection = 'ascending' | 'descending';

export interface Sort {
  key: ColumnKey;
  direction: SortDirection;
}

/**
 * Every device of the tenant, by id, and the order the view shows: those matching the search,
 * sorted. The order is worked out lazily by `visible()`, at most once per frame however many
 * devices changed since: a few moved rows leave it nearly sorted, which the engine's sort (TimSort)
 * puts back in about linear time, so a frame never pays for sorting 10,000 rows from scratch.
 */
export class FleetStore {
  private readonly devices = new Map<string, FleetDevice>();
  private order: FleetDevice[] = [];
  private query = '';
  private sortBy: Sort = { key: 'deviceId', direction: 'ascending' };
  /** The order must be filtered again from all devices (the search changed). */
  private refilter = false;
  /** The order must be sorted again (a sort value of a device in it may have changed). */
  private resort = false;
  /** The time the order's online column was sorted at. */
  private sortedAt = 0;

  constructor(private readonly offlineAfterMs: number) {}

  get size(): number {
    return this.devices.size;
  }

  get sort(): Sort {
    return this.sortBy;
  }

  get(deviceId: string): FleetDevice | undefined {
    return this.devices.get(deviceId);
  }

  isOnline(device: FleetDevice, now = Date.now()): boolean {
    return isOnline(device, now, this.offlineAfterMs);
  }

  /** Adds a device, or updates the one of its id in place (rows and markers hold on to it). */
  put(device: FleetDevice): void {
    const known = this.devices.get(device.deviceId);
    if (known) {
      Object.assign(known, device);
      // The id never changes: sorted by id, an update leaves the order as it is.
      if (this.sortBy.key !== 'deviceId') this.resort = true;
      return;
    }
    this.devices.set(device.deviceId, device);
    if (this.matches(device)) {
      this.order.push(device);
      this.resort = true;
    }
  }

  /** Case-insensitive "contains" on the device id. */
  setQuery(query: string): void {
    const normalised = query.trim().toLowerCase();
    if (normalised === this.query) return;
    this.query = normalised;
    this.refilter = true;
  }

  setSort(sort: Sort): void {
    this.sortBy = sort;
    this.resort = true;
  }

  /**
   * The devices to show, in order. Sorted by Online, the order also goes stale with time alone
   * (devices fall silent): `now` past the last sort by a tick re-sorts it.
   */
  visible(now = Date.now(), tickMs = 5000): readonly FleetDevice[] {
    if (this.refilter) {
      this.order = [...this.devices.values()].filter((device) => this.matches(device));
      this.refilter = false;
      this.resort = true;
    }
    if (this.sortBy.key === 'online' && now - this.sortedAt >= tickMs) this.resort = true;
    if (this.resort) {
      this.order.sort(comparator(this.sortBy, (device) => this.isOnline(device, now)));
      this.resort = false;
      this.sortedAt = now;
    }
    return this.order;
  }

  /** Whether the search lets the device through. */
  matches(device: FleetDevice): boolean {
    return this.query === '' || device.searchKey.includes(this.query);
  }
}

function comparator(
  { key, direction }: Sort,
  onlineOf: (device: FleetDevice) => boolean,
): (a: FleetDevice, b: FleetDevice) => number {
  const column: Column = COLUMNS.find((candidate) => candidate.key === key)!;
  const sign = direction === 'ascending' ? 1 : -1;
  return (a, b) => {
    const x = column.sortValue(a, onlineOf(a));
    const y = column.sortValue(b, onlineOf(b));
    if (x !== y) {
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : 1) * sign;
    }
    // Ties in the API's order (device ids by byte order), so equal rows never swap places.
    return a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0;
  };
}

import type { Device } from '../types';
import { fromApi, type FleetDevice } from './fleet-device';
import { FleetStore } from './fleet-store';

const OFFLINE_AFTER_MS = 600_000;
const NOW = Date.parse('2026-04-04T12:00:00.000Z');

/** A device last seen `silentMs` before NOW, its latest position at that speed (none: never located). */
function device(deviceId: string, speed: number | null, silentMs = 0): FleetDevice {
  const seenAt = new Date(NOW - silentMs).toISOString();
  const position =
    speed === null
      ? null
      : { recordedAt: seenAt, eventcode: '101', fix: true, lat: 0, lon: 0, speed };
  const api: Device = {
    deviceId,
    kind: 'tracker',
    firstSeenAt: seenAt,
    lastSeenAt: seenAt,
    latestPosition: position,
    lastFixPosition: position,
    status: null,
    sensors: null,
  };
  return fromApi(api, undefined);
}

function storeOf(...devices: FleetDevice[]): FleetStore {
  const store = new FleetStore(OFFLINE_AFTER_MS);
  for (const each of devices) store.put(each);
  return store;
}

const ids = (store: FleetStore, now = NOW) => store.visible(now).map((each) => each.deviceId);

describe('FleetStore', () => {
  it('shows every device by id, ascending, at first', () => {
    const store = storeOf(device('c', 10), device('a', 30), device('b', 20));
    expect(store.size).toBe(3);
    expect(ids(store)).toEqual(['a', 'b', 'c']);
  });

  describe('search', () => {
    const fleet = () => storeOf(device('Truck-07', 1), device('truck-12', 2), device('VAN-3', 3));

    it('keeps the devices whose id contains the text, whatever its case and spaces', () => {
      const store = fleet();
      store.setQuery('  TRUCK ');
      expect(ids(store)).toEqual(['Truck-07', 'truck-12']);
      expect(store.matches(store.get('VAN-3')!)).toBe(false);
      store.setQuery('an-');
      expect(ids(store)).toEqual(['VAN-3']);
      store.setQuery('');
      expect(ids(store)).toEqual(['Truck-07', 'VAN-3', 'truck-12']);
    });

    it('leaves out a new device that does not match, and sorts in one that does', () => {
      const store = fleet();
      store.setQuery('truck');
      ids(store);
      store.put(device('bus-1', 4));
      store.put(device('truck-01', 5));
      expect(ids(store)).toEqual(['Truck-07', 'truck-01', 'truck-12']);
      expect(store.size).toBe(5);
    });
  });

  describe('sort', () => {
    it('sorts by a column either way, devices without a value last both ways', () => {
      const store = storeOf(device('a', 30), device('b', null), device('c', 10), device('d', 20));
      store.setSort({ key: 'speed', direction: 'ascending' });
      expect(ids(store)).toEqual(['c', 'd', 'a', 'b']);
      store.setSort({ key: 'speed', direction: 'descending' });
      expect(ids(store)).toEqual(['a', 'd', 'c', 'b']);
    });

    it('breaks ties by id, so equal rows keep their places', () => {
      const store = storeOf(device('d', 10), device('b', 10), device('c', 10), device('a', 5));
      store.setSort({ key: 'speed', direction: 'descending' });
      expect(ids(store)).toEqual(['b', 'c', 'd', 'a']);
    });

    it('sorts again when an update changes a sorted value, keeping the record rows hold', () => {
      const store = storeOf(device('a', 10), device('b', 20), device('c', 30));
      store.setSort({ key: 'speed', direction: 'ascending' });
      const held = store.get('a')!;
      expect(ids(store)).toEqual(['a', 'b', 'c']);
      store.put(device('a', 99));
      expect(store.get('a')).toBe(held);
      expect(held.speed).toBe(99);
      expect(ids(store)).toEqual(['b', 'c', 'a']);
    });

    it('sorts online devices first, and again once a tick has passed and devices fell silent', () => {
      const store = storeOf(
        device('a', 1, OFFLINE_AFTER_MS + 1),
        device('b', 1, OFFLINE_AFTER_MS - 1000),
        device('c', 1, 0),
      );
      store.setSort({ key: 'online', direction: 'ascending' });
      expect(ids(store)).toEqual(['b', 'c', 'a']);
      // Within a tick the order stands; past it, b (silent too long by now) goes after c.
      expect(ids(store, NOW + 2000)).toEqual(['b', 'c', 'a']);
      expect(ids(store, NOW + 5000)).toEqual(['c', 'a', 'b']);
    });
  });
});

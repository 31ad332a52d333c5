import type { Device, LiveEvent, LivePosition, Position, PositionSnapshot } from '../types';
import { fromApi, isOnline, withLiveEvent, withLivePosition } from './fleet-device';

const DEVICE_ID = '352848024123456';

function snapshot(recordedAt: string, fields: Partial<PositionSnapshot> = {}): PositionSnapshot {
  return { recordedAt, eventcode: '101', fix: true, lat: -34.6, lon: -58.38, ...fields };
}

function livePosition(
  recordedAt: string,
  receivedAt: string,
  fields: Partial<PositionSnapshot> = {},
): LivePosition {
  const position: Position = { ...snapshot(recordedAt, fields), receivedAt };
  return { deviceId: DEVICE_ID, kind: 'tracker', position };
}

function liveEvent(receivedAt: string): LiveEvent {
  return {
    deviceId: DEVICE_ID,
    kind: 'tracker',
    event: {
      occurredAt: receivedAt,
      type: 'BATTERY_LOW',
      code: '116',
      source: 'telemetry',
      receivedAt,
      data: null,
    },
  };
}

function apiDevice(fields: Partial<Device> = {}): Device {
  const latest = snapshot('2026-04-04T10:00:00.000Z', { speed: 40, battery: 80 });
  return {
    deviceId: DEVICE_ID,
    kind: 'tracker',
    firstSeenAt: '2026-04-01T00:00:00.000Z',
    lastSeenAt: '2026-04-04T10:00:01.000Z',
    latestPosition: latest,
    lastFixPosition: latest,
    status: null,
    sensors: null,
    ...fields,
  };
}

describe('fromApi', () => {
  it("works out what the table and the map read from the API's device", () => {
    const device = fromApi(apiDevice({ deviceId: 'Truck-07' }), undefined);
    expect(device).toMatchObject({
      deviceId: 'Truck-07',
      searchKey: 'truck-07',
      lastSeenMs: Date.parse('2026-04-04T10:00:01.000Z'),
      speed: 40,
      battery: 80,
      statusText: '101 · POSICION',
    });
    expect(device.place?.recordedAt).toBe('2026-04-04T10:00:00.000Z');
  });

  it("places a tracker at its last fix when its latest position has none; an Asset Tracker's every location counts", () => {
    const latestPosition = snapshot('2026-04-04T10:05:00.000Z', { fix: false, lat: 90, lon: 0 });
    const lastFixPosition = snapshot('2026-04-04T10:00:00.000Z');
    const tracker = fromApi(apiDevice({ latestPosition, lastFixPosition }), undefined);
    expect(tracker.place).toBe(lastFixPosition);
    const assetTracker = fromApi(
      apiDevice({ kind: 'asset-tracker', latestPosition, lastFixPosition }),
      undefined,
    );
    expect(assetTracker.place).toBe(latestPosition);
  });

  it("words an Asset Tracker's status flags, and reads its battery from its sensors", () => {
    const device = fromApi(
      apiDevice({
        kind: 'asset-tracker',
        latestPosition: snapshot('2026-04-04T10:00:00.000Z', { eventcode: 'location' }),
        status: { inMotion: false, inGeofence: true, repossession: false },
        sensors: { batteryLevel: 64 },
      }),
      undefined,
    );
    expect(device.statusText).toBe('Still, In geofence');
    expect(device.battery).toBe(64);
    expect(fromApi(apiDevice({ kind: 'asset-tracker', status: {} }), undefined).statusText).toBe(
      '—',
    );
  });

  it('has dashes and nulls for a device never located', () => {
    const device = fromApi(apiDevice({ latestPosition: null, lastFixPosition: null }), undefined);
    expect(device).toMatchObject({ place: null, speed: null, battery: null, statusText: '—' });
  });

  it('keeps what the live stream said when a page of the API is older, but takes its status', () => {
    const known = withLivePosition(
      livePosition('2026-04-04T10:10:00.000Z', '2026-04-04T10:10:01.000Z', { speed: 70 }),
      fromApi(apiDevice(), undefined),
    );
    const merged = fromApi(apiDevice({ status: { inMotion: true } }), known);
    expect(merged.latestPosition?.recordedAt).toBe('2026-04-04T10:10:00.000Z');
    expect(merged.speed).toBe(70);
    expect(merged.lastSeenAt).toBe('2026-04-04T10:10:01.000Z');
    expect(merged.status).toEqual({ inMotion: true });
  });

  it('takes a newer page of the API over what the view had', () => {
    const known = fromApi(apiDevice(), undefined);
    const newer = snapshot('2026-04-04T11:00:00.000Z', { speed: 5 });
    const merged = fromApi(
      apiDevice({
        lastSeenAt: '2026-04-04T11:00:01.000Z',
        latestPosition: newer,
        lastFixPosition: newer,
      }),
      known,
    );
    expect(merged.latestPosition).toBe(newer);
    expect(merged.lastSeenAt).toBe('2026-04-04T11:00:01.000Z');
  });
});

describe('withLivePosition', () => {
  const known = fromApi(apiDevice({ status: { note: 'kept' }, sensors: { temp: 4 } }), undefined);

  it('moves a device to a newer position with a fix, keeping its status and sensors', () => {
    const device = withLivePosition(
      livePosition('2026-04-04T10:20:00.000Z', '2026-04-04T10:20:01.000Z', {
        speed: 55,
        eventcode: '118',
      }),
      known,
    );
    expect(device.latestPosition?.recordedAt).toBe('2026-04-04T10:20:00.000Z');
    expect(device.lastFixPosition?.recordedAt).toBe('2026-04-04T10:20:00.000Z');
    expect(device.place?.recordedAt).toBe('2026-04-04T10:20:00.000Z');
    expect(device).toMatchObject({
      speed: 55,
      statusText: '118 · IGNICION_ON',
      lastSeenAt: '2026-04-04T10:20:01.000Z',
      status: { note: 'kept' },
      sensors: { temp: 4 },
    });
  });

  it('never lets a late position replace a newer one, though the device was heard from', () => {
    const device = withLivePosition(
      livePosition('2026-04-04T09:00:00.000Z', '2026-04-04T10:30:00.000Z', { speed: 99 }),
      known,
    );
    expect(device.latestPosition?.recordedAt).toBe('2026-04-04T10:00:00.000Z');
    expect(device.lastFixPosition?.recordedAt).toBe('2026-04-04T10:00:00.000Z');
    expect(device.speed).toBe(40);
    expect(device.lastSeenAt).toBe('2026-04-04T10:30:00.000Z');
  });

  it('never moves the last-seen time back for a message received earlier', () => {
    const device = withLivePosition(
      livePosition('2026-04-04T10:20:00.000Z', '2026-04-04T09:59:00.000Z'),
      known,
    );
    expect(device.lastSeenAt).toBe('2026-04-04T10:00:01.000Z');
  });

  it("takes a tracker's newer position without a fix as its latest, but leaves it at its last fix", () => {
    const device = withLivePosition(
      livePosition('2026-04-04T10:20:00.000Z', '2026-04-04T10:20:01.000Z', {
        fix: false,
        lat: 0,
        lon: 0,
      }),
      known,
    );
    expect(device.latestPosition?.recordedAt).toBe('2026-04-04T10:20:00.000Z');
    expect(device.lastFixPosition?.recordedAt).toBe('2026-04-04T10:00:00.000Z');
    expect(device.place?.recordedAt).toBe('2026-04-04T10:00:00.000Z');
  });

  it('adds a device the view has not seen', () => {
    const message = livePosition('2026-04-04T10:20:00.000Z', '2026-04-04T10:20:01.000Z', {
      fix: false,
    });
    const device = withLivePosition(message, undefined);
    expect(device).toMatchObject({
      deviceId: DEVICE_ID,
      kind: 'tracker',
      status: null,
      sensors: null,
      lastSeenAt: '2026-04-04T10:20:01.000Z',
      lastFixPosition: null,
      place: null,
    });
    expect(device.latestPosition).toBe(message.position);
  });
});

describe('withLiveEvent', () => {
  it('marks the device heard from and leaves its positions', () => {
    const known = fromApi(apiDevice(), undefined);
    const device = withLiveEvent(liveEvent('2026-04-04T10:40:00.000Z'), known);
    expect(device.lastSeenAt).toBe('2026-04-04T10:40:00.000Z');
    expect(device.latestPosition).toBe(known.latestPosition);
    expect(device.place).toBe(known.place);
  });

  it('adds a device the view has not seen, not located yet', () => {
    const device = withLiveEvent(liveEvent('2026-04-04T10:40:00.000Z'), undefined);
    expect(device).toMatchObject({
      deviceId: DEVICE_ID,
      lastSeenAt: '2026-04-04T10:40:00.000Z',
      latestPosition: null,
      place: null,
      statusText: '—',
    });
  });
});

describe('isOnline', () => {
  it('is online until the device has been silent longer than the threshold', () => {
    const device = fromApi(apiDevice(), undefined);
    const seen = Date.parse(device.lastSeenAt);
    expect(isOnline(device, seen + 600_000, 600_000)).toBe(true);
    expect(isOnline(device, seen + 600_001, 600_000)).toBe(false);
  });
});

import type {
  DeviceDataBatch,
  EventInput,
  PositionInput,
  WriteResult,
} from '../../src/devices/device-data';
import { DeviceDataWriter } from '../../src/devices/device-data.writer';
import type { TestApp } from '../utils/test-app';

/** A position of `deviceId` at `recordedAt` (ISO with zone), with the usual fields filled in. */
export function position(
  deviceId: string,
  recordedAt: string,
  overrides: Partial<PositionInput> = {},
): PositionInput {
  return {
    deviceExternalId: deviceId,
    recordedAt,
    eventcode: '101',
    fix: true,
    lat: -34.6037,
    lon: -58.3816,
    altitude: 25,
    speed: 45,
    heading: 180,
    satellites: 12,
    ignition: true,
    accuracy: 3.5,
    odometer: 125430,
    ...overrides,
  };
}

/** An event of `deviceId` at `occurredAt` (ISO with zone): a low battery unless `overrides` say otherwise. */
export function deviceEvent(
  deviceId: string,
  occurredAt: string,
  overrides: Partial<EventInput> = {},
): EventInput {
  return { deviceExternalId: deviceId, occurredAt, type: 'BATTERY_LOW', code: '116', ...overrides };
}

/** `count` positions of one device, `stepSeconds` apart from `start`, drifting north-east. */
export function track(
  deviceId: string,
  count: number,
  start = '2026-04-04T10:00:00Z',
  stepSeconds = 30,
): PositionInput[] {
  const base = Date.parse(start);
  return Array.from({ length: count }, (_, i) =>
    position(deviceId, new Date(base + i * stepSeconds * 1000).toISOString(), {
      lat: -34.6 + i / 10000,
      lon: -58.38 + i / 10000,
      speed: i % 90,
      eventcode: i % 10 === 5 ? '117' : '101',
      fix: i % 7 !== 3,
    }),
  );
}

/** Stores positions and events for a tenant through the application's own writer; the rows new to it. */
export async function storeDeviceData(
  testApp: TestApp,
  tenantId: string,
  data: {
    positions?: PositionInput[];
    events?: EventInput[];
    kind?: DeviceDataBatch['kind'];
    receivedAt?: string;
  },
): Promise<WriteResult> {
  return testApp.app.get(DeviceDataWriter).write([
    {
      tenantId,
      kind: data.kind ?? 'tracker',
      source: data.kind === 'asset-tracker' ? 'northbound' : 'telemetry',
      receivedAt: data.receivedAt ?? new Date().toISOString(),
      positions: data.positions ?? [],
      events: data.events ?? [],
    },
  ]);
}

/**
 * `count` positions of one device (created through the writer, with the first), a second apart
 * from `start`, the rest inserted by one `generate_series` statement: hundreds of thousands take
 * seconds, where the writer would take minutes. Each has an address, as exports write it.
 */
export async function storeManyPositions(
  testApp: TestApp,
  tenantId: string,
  deviceId: string,
  count: number,
  start = '2026-04-01T00:00:00Z',
): Promise<void> {
  await storeDeviceData(testApp, tenantId, { positions: [position(deviceId, start)] });
  await testApp.dataSource.query(
    `INSERT INTO positions (device_id, recorded_at, eventcode, tenant_id, received_at, source, fix,
       lat, lon, altitude, speed, heading, satellites, ignition, accuracy, odometer, address)
     SELECT d.id, $3::timestamptz + i * interval '1 second', '101', d.tenant_id, now(),
       'telemetry', true, -34.6 + i / 1e6, -58.38 + i / 1e6, 25, i % 90, 180, 12, true, 3.5,
       125430 + i, 'Av. Corrientes ' || i
     FROM devices d, generate_series(1, $4::int - 1) AS i
     WHERE d.tenant_id = $1 AND d.external_id = $2`,
    [tenantId, deviceId, start, count],
  );
}

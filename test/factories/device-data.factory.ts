import type {
  DeviceDataBatch,
  EventInput,
  PositionInput,
  WriteResult,
} from '../../src/devices/device-data.writer';
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

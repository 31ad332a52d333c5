import type { PositionInput } from '../../../src/devices/device-data';
import { position, storeDeviceData } from '../../factories/device-data.factory';
import { randomImei } from '../../factories/telemetry.factory';
import { seededRandom } from '../../utils/prng';
import type { TestApp } from '../../utils/test-app';

/** Where the seeded fleets drive: the factories' own city. */
export const BUENOS_AIRES = { lat: -34.6037, lon: -58.3816 };

export interface SeededDevice {
  deviceId: string;
  lat: number;
  lon: number;
  speed: number;
  recordedAt: string;
}

export interface FleetSeedOptions {
  centre?: { lat: number; lon: number };
  /** Width and height of the square the devices are spread over, in degrees. */
  spreadDegrees?: number;
}

const round6 = (value: number) => Math.round(value * 1e6) / 1e6;

/** A place `lat`/`lon` degrees from `from`, to the micro-degree telemetry is written with. */
export function movedFrom(
  from: { lat: number; lon: number },
  lat: number,
  lon: number,
): { lat: number; lon: number } {
  return { lat: round6(from.lat + lat), lon: round6(from.lon + lon) };
}

/**
 * `count` devices (fresh IMEIs) of a tenant, each with one position recorded in the last few
 * minutes (so each is online), scattered around `centre`, all with different speeds in an order
 * unrelated to their ids (the API lists devices by id). At most 101 devices.
 */
export async function seedFleet(
  testApp: TestApp,
  tenantId: string,
  count: number,
  { centre = BUENOS_AIRES, spreadDegrees = 0.1 }: FleetSeedOptions = {},
): Promise<SeededDevice[]> {
  const random = seededRandom(count);
  const now = Date.now();
  const devices = Array.from({ length: count }, (_, i) => ({
    deviceId: randomImei(),
    lat: round6(centre.lat + (random.next() - 0.5) * spreadDegrees),
    lon: round6(centre.lon + (random.next() - 0.5) * spreadDegrees),
    // 37 and 101 are coprime: distinct speeds, shuffled.
    speed: (i * 37) % 101,
    recordedAt: new Date(now - 60_000 - i * 1000).toISOString(),
  }));
  await storeDeviceData(testApp, tenantId, {
    positions: devices.map((device, i) =>
      position(device.deviceId, device.recordedAt, {
        lat: device.lat,
        lon: device.lon,
        speed: device.speed,
        battery: 40 + (i % 60),
      }),
    ),
  });
  return devices;
}

export interface RouteOptions {
  /** Time of the first position (epoch ms) and between two. */
  start: number;
  stepMs: number;
  from?: { lat: number; lon: number };
  /** Degrees moved between two positions. */
  step?: { lat: number; lon: number };
  /** Which positions have no fix (by index). */
  unfixed?: (index: number) => boolean;
}

/** `count` positions of a device along a straight line, each at its own place and time. */
export function route(
  deviceId: string,
  count: number,
  {
    start,
    stepMs,
    from = BUENOS_AIRES,
    step = { lat: 0.01, lon: 0.01 },
    unfixed = () => false,
  }: RouteOptions,
): PositionInput[] {
  return Array.from({ length: count }, (_, i) =>
    position(deviceId, new Date(start + i * stepMs).toISOString(), {
      lat: round6(from.lat + i * step.lat),
      lon: round6(from.lon + i * step.lon),
      speed: 20 + (i % 60),
      fix: !unfixed(i),
    }),
  );
}

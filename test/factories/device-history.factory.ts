import { randomBytes } from 'node:crypto';
import type { EventInput, PositionInput } from '../../src/devices/device-data';
import type { TestApp } from '../utils/test-app';
import { deviceEvent, position, storeDeviceData, track } from './device-data.factory';
import { randomImei } from './telemetry.factory';

/**
 * What the devices API suites read: one tracker with a long history, and a range of devices
 * whose ids share a prefix (so `q` has something to narrow and listings have pages to turn).
 */
export interface FleetHistory {
  imei: string;
  /** The tracker's 250 positions, in device time: one in ten a '117', one in seven unfixed. */
  points: PositionInput[];
  /** An event per '117' position, alternately speeding (117) and battery low (116), with its speed. */
  events: EventInput[];
  /** 30 ids in byte order: 0..24 trackers seen on 2026-04-04, 25..29 asset trackers on 2026-04-05. */
  devices: string[];
}

const SPEEDING = { type: 'EXCESO_VELOCIDAD', code: '117' };
const BATTERY_LOW = { type: 'BATTERY_LOW', code: '116' };

export function fleetHistory(): FleetHistory {
  const imei = randomImei();
  const points = track(imei, 250);
  const events = points
    .filter((point) => point.eventcode === '117')
    .map((point, i) =>
      deviceEvent(imei, point.recordedAt, {
        ...(i % 2 === 0 ? SPEEDING : BATTERY_LOW),
        data: { speed: point.speed },
      }),
    );
  const prefix = `99${randomBytes(3).toString('hex')}`;
  const devices = Array.from({ length: 30 }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
  return { imei, points, events, devices };
}

export async function storeFleetHistory(
  testApp: TestApp,
  tenantId: string,
  { points, events, devices }: FleetHistory,
): Promise<void> {
  await storeDeviceData(testApp, tenantId, { positions: points, events });
  await storeDeviceData(testApp, tenantId, {
    positions: devices.slice(0, 25).map((id) => position(id, '2026-04-04T12:00:00Z')),
    receivedAt: '2026-04-04T12:00:05Z',
  });
  await storeDeviceData(testApp, tenantId, {
    kind: 'asset-tracker',
    positions: devices.slice(25).map((id) => position(id, '2026-04-05T12:00:00Z')),
    receivedAt: '2026-04-05T12:00:05Z',
  });
}

import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PositionInput } from '../../src/devices/device-data';
import { deviceEvent, position, storeDeviceData } from '../factories/device-data.factory';
import { randomImei } from '../factories/telemetry.factory';
import { createFleet } from '../factories/tenant.factory';
import { useChromium, useDashboard, VIEWPORT } from './support/dashboard';
import { BUENOS_AIRES, seedFleet } from './support/seed';
import {
  openDevice,
  renderedRows,
  selectRow,
  signInToFleet,
  waitForDevice,
  waitForPopupShown,
} from './support/views';

const chromium = useChromium();

/**
 * The README's pictures of the dashboard, taken by the test run: into docs/images when
 * UPDATE_SCREENSHOTS=1 (then committed), else into test-output/ (not kept).
 */
const ROOT = join(__dirname, '..', '..');
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? join(ROOT, 'docs', 'images')
    : join(ROOT, 'test-output', 'screenshots');

/** Width and height of a PNG, from its header chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** A drive across the city: `count` positions a minute apart along a gentle S-curve. */
function cityDrive(deviceId: string, count: number, start: number): PositionInput[] {
  return Array.from({ length: count }, (_, i) => {
    const t = i / (count - 1);
    return position(deviceId, new Date(start + i * 60_000).toISOString(), {
      lat: BUENOS_AIRES.lat - 0.05 + 0.1 * t,
      lon: BUENOS_AIRES.lon - 0.06 + 0.12 * t + 0.025 * Math.sin(t * 2 * Math.PI),
      speed: Math.round(25 + 30 * Math.abs(Math.sin(t * 9))),
    });
  });
}

describe('Dashboard screenshots', () => {
  // No tiles (the machine that takes them may be offline): the plain background.
  const dashboard = useDashboard(chromium, { env: () => ({ DASHBOARD_TILE_URL: '' }) });

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
  });

  it('of the fleet view: 50 devices across a city, one selected', async () => {
    const { page, testApp } = dashboard;
    const fleet = await createFleet(testApp);
    await seedFleet(testApp, fleet.tenantId, 50, { spreadDegrees: 0.16 });
    await signInToFleet(page, dashboard.url, fleet.tenant);
    const [, , chosen] = await renderedRows(page);
    await selectRow(page, chosen.deviceId);
    await waitForPopupShown(page);
    // Leaflet pans the map until the popup fits in it: the picture waits for that.
    await page.waitForFunction(() => {
      const map = document.getElementById('fleet-map')?.getBoundingClientRect();
      const shown = document.querySelector('.leaflet-popup')?.getBoundingClientRect();
      return (
        map !== undefined &&
        shown !== undefined &&
        shown.left >= map.left &&
        shown.right <= map.right &&
        shown.top >= map.top
      );
    });

    const path = join(SCREENSHOTS, 'dashboard-fleet.png');
    await page.screenshot({ path, animations: 'disabled' });
    expect(pngSize(await readFile(path))).toEqual(VIEWPORT);
  });

  it('of the device view: a track with its events', async () => {
    const { page, testApp } = dashboard;
    const fleet = await createFleet(testApp);
    const deviceId = randomImei();
    const drive = cityDrive(deviceId, 180, Date.now() - 5 * 3_600_000);
    const at = (index: number) => drive[index].recordedAt;
    await storeDeviceData(testApp, fleet.tenantId, {
      positions: drive,
      events: [
        deviceEvent(deviceId, at(12), { type: 'IGNITION_ON', code: '102' }),
        deviceEvent(deviceId, at(64), { type: 'OVERSPEED', code: '105' }),
        deviceEvent(deviceId, at(118), { type: 'GEOFENCE_EXIT', code: '110' }),
        deviceEvent(deviceId, at(150)),
        deviceEvent(deviceId, at(176), { type: 'IGNITION_OFF', code: '103' }),
      ],
    });
    await signInToFleet(page, dashboard.url, fleet.tenant);
    await openDevice(page, deviceId);
    await waitForDevice(page);

    const path = join(SCREENSHOTS, 'dashboard-device.png');
    await page.screenshot({ path, animations: 'disabled' });
    expect(pngSize(await readFile(path))).toEqual(VIEWPORT);
  });
});

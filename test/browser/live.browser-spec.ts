import type { Page, Request } from 'playwright-core';
import { DeviceStreamService } from '../../src/devices/live/device-stream.service';
import { formatCoordinates, formatSpeed } from '../../web/src/format';
import { randomImei } from '../factories/telemetry.factory';
import { createFleet, type Fleet } from '../factories/tenant.factory';
import { waitFor } from '../utils/wait';
import { livePoint, postTelemetry } from './support/api';
import { useChromium, useDashboard } from './support/dashboard';
import { movedFrom, seedFleet, type SeededDevice } from './support/seed';
import {
  cellText,
  deviceRow,
  fleetCounts,
  liveStatus,
  popup,
  search,
  selectRow,
  signInToFleet,
  waitForCounts,
  waitForLiveState,
} from './support/views';

const chromium = useChromium();

/** The promise: a posted position moves its marker within 2 s of the 200. */
const MARKER_MOVES_WITHIN_MS = 2000;

/** What the popup and the row of a device show now. */
async function shownFor(page: Page, deviceId: string): Promise<{ popup: string; speed: string }> {
  return {
    popup: (await popup(page).count()) > 0 ? await popup(page).innerText() : '',
    speed: await cellText(page, deviceId, 'Speed'),
  };
}

const showsPosition =
  (at: { lat: number; lon: number; speed: number }) => (shown: { popup: string; speed: string }) =>
    shown.popup.includes(formatCoordinates(at.lat, at.lon)) &&
    shown.speed === formatSpeed(at.speed);

describe('Dashboard: live positions', () => {
  const dashboard = useDashboard(chromium);
  let fleet: Fleet;
  let devices: SeededDevice[];

  beforeAll(async () => {
    fleet = await createFleet(dashboard.testApp);
    devices = await seedFleet(dashboard.testApp, fleet.tenantId, 5);
  });

  /** Signs in, waits for the stream, and selects `device` (its popup open). */
  async function watch(page: Page, device: SeededDevice): Promise<void> {
    await signInToFleet(page, dashboard.url, fleet.tenant);
    expect(await waitForLiveState(page, 'live')).toBe('live');
    await search(page, device.deviceId);
    await selectRow(page, device.deviceId);
    await popup(page).filter({ hasText: device.deviceId }).waitFor();
  }

  it("moves the selected device's marker, popup and row within 2 s of the telemetry 200", async () => {
    const { page } = dashboard;
    const device = devices[0];
    await watch(page, device);
    expect(await liveStatus(page).innerText()).toContain('Live');
    const moved = { ...movedFrom(device, 0.0123, -0.0234), speed: 77 };
    expect(showsPosition(moved)(await shownFor(page, device.deviceId))).toBe(false);

    const { status, answeredAt } = await postTelemetry(dashboard.url, fleet, [
      livePoint(device.deviceId, moved),
    ]);
    expect(status).toBe(200);
    const shown = await waitFor(() => shownFor(page, device.deviceId), showsPosition(moved), {
      timeoutMs: MARKER_MOVES_WITHIN_MS,
      intervalMs: 20,
    });
    const elapsed = Date.now() - answeredAt;

    expect(shown.popup).toContain(formatCoordinates(moved.lat, moved.lon));
    expect(shown.speed).toBe(formatSpeed(moved.speed));
    expect(elapsed).toBeLessThan(MARKER_MOVES_WITHIN_MS);
    process.stdout.write(`\n[browser] telemetry 200 → popup and row moved in ${elapsed} ms\n`);
  });

  it('adds a device it has never seen when its first position arrives', async () => {
    const { page } = dashboard;
    await signInToFleet(page, dashboard.url, fleet.tenant);
    await waitForLiveState(page, 'live');
    const before = await fleetCounts(page);
    const newcomer = randomImei();

    const { status } = await postTelemetry(dashboard.url, fleet, [
      livePoint(newcomer, { lat: -34.61, lon: -58.39, speed: 12 }),
    ]);
    expect(status).toBe(200);
    const after = { rows: before.rows + 1, markers: before.markers + 1 };
    expect(await waitForCounts(page, after)).toEqual(after);
    await search(page, newcomer);
    await deviceRow(page, newcomer).waitFor();
    expect(await cellText(page, newcomer, 'Speed')).toBe(formatSpeed(12));
  });

  it('reconnects by itself when the server ends the stream, and misses nothing sent meanwhile', async () => {
    const { page } = dashboard;
    const device = devices[1];
    await watch(page, device);
    // A first live position: the page now has an event id to resume from.
    const first = { ...movedFrom(device, 0.005, 0.005), speed: 33 };
    expect(
      (await postTelemetry(dashboard.url, fleet, [livePoint(device.deviceId, first)])).status,
    ).toBe(200);
    await waitFor(() => shownFor(page, device.deviceId), showsPosition(first));

    // Hold the page's reconnection until a position has been stored while it had no stream.
    let reopen: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (reopen = resolve));
    const reconnections: Request[] = [];
    await page.route(
      (url) => url.pathname === '/apidev/v1/devices/stream',
      async (route) => {
        reconnections.push(route.request());
        await gate;
        await route.continue();
      },
    );
    dashboard.testApp.app.get(DeviceStreamService).beforeApplicationShutdown();
    expect(await waitForLiveState(page, 'reconnecting')).toBe('reconnecting');
    expect(await liveStatus(page).innerText()).toContain('Reconnecting');
    const held = await waitFor(
      () => Promise.resolve(reconnections.length),
      (count) => count > 0,
      { timeoutMs: 15_000 },
    );
    expect(held).toBeGreaterThan(0);

    const moved = { ...movedFrom(device, -0.0111, 0.0222), speed: 64 };
    const { status } = await postTelemetry(dashboard.url, fleet, [
      livePoint(device.deviceId, moved),
    ]);
    expect(status).toBe(200);
    const stored = await waitFor(
      async () => {
        const response = await fetch(`${dashboard.url}/apidev/v1/devices/${device.deviceId}`, {
          headers: fleet.headers,
        });
        return ((await response.json()) as { data: { latestPosition: { lat: number } } }).data
          .latestPosition.lat;
      },
      (lat) => lat === moved.lat,
    );
    expect(stored).toBe(moved.lat);
    reopen();

    expect(await waitForLiveState(page, 'live')).toBe('live');
    const shown = await waitFor(() => shownFor(page, device.deviceId), showsPosition(moved));
    expect(showsPosition(moved)(shown)).toBe(true);
    // It resumed where it left off rather than starting afresh.
    expect(reconnections[0].headers()['last-event-id']).toMatch(/^\d+-\d+$/);
  });
});

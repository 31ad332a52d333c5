import type { Page } from 'playwright-core';
import { storeDeviceData } from '../factories/device-data.factory';
import { randomImei } from '../factories/telemetry.factory';
import { createFleet } from '../factories/tenant.factory';
import { waitFor } from '../utils/wait';
import { useChromium, useDashboard, type Dashboard } from './support/dashboard';
import { route, seedFleet } from './support/seed';
import { useTileServer } from './support/tile-server';
import { deviceMap, fleetCounts, openDevice, signInToFleet, waitForDevice } from './support/views';

const chromium = useChromium();

/** Signs in to a fleet of 5 devices, then opens the one with a track: both maps drawn. */
async function useBothViews(dashboard: Dashboard): Promise<Page> {
  const { page, testApp } = dashboard;
  const fleet = await createFleet(testApp);
  await seedFleet(testApp, fleet.tenantId, 5);
  const tracked = randomImei();
  await storeDeviceData(testApp, fleet.tenantId, {
    positions: route(tracked, 20, { start: Date.now() - 3_600_000, stepMs: 60_000 }),
  });

  await signInToFleet(page, dashboard.url, fleet.tenant);
  expect(await fleetCounts(page)).toEqual({ rows: 6, markers: 6 });
  await openDevice(page, tracked);
  await waitForDevice(page);
  expect(await deviceMap(page).getAttribute('data-vertex-count')).toBe('20');
  return page;
}

describe('Dashboard: with a tile server on another origin', () => {
  const tiles = useTileServer();
  const dashboard = useDashboard(chromium, {
    env: () => ({ DASHBOARD_TILE_URL: tiles.template }),
    allowedOrigins: () => [tiles.origin],
  });

  it('requests nothing outside its own origin but the tiles, and shows them', async () => {
    const page = await useBothViews(dashboard);
    const loaded = await waitFor(
      () => page.locator('img.leaflet-tile-loaded').count(),
      (count) => count > 0,
    );

    expect(loaded).toBeGreaterThan(0);
    expect(tiles.served).toBeGreaterThan(0);
    const tileUrl = new RegExp(`^${tiles.origin}/tiles/\\d+/\\d+/\\d+\\.png$`);
    const crossOrigin = dashboard.record.crossOrigin();
    expect(crossOrigin.length).toBeGreaterThan(0);
    expect(crossOrigin.filter((url) => !tileUrl.test(url))).toEqual([]);
  });
});

describe('Dashboard: with the default tiles out of reach', () => {
  const dashboard = useDashboard(chromium);

  it("still works on a plain background, crediting OpenStreetMap's tiles it asked for", async () => {
    const page = await useBothViews(dashboard);

    const crossOrigin = dashboard.record.crossOrigin();
    expect(crossOrigin.length).toBeGreaterThan(0);
    expect(crossOrigin.filter((url) => !url.startsWith('https://tile.openstreetmap.org/'))).toEqual(
      [],
    );
    expect(dashboard.record.blocked).toEqual(crossOrigin);
    expect(await page.locator('.leaflet-control-attribution').innerText()).toContain(
      'OpenStreetMap',
    );
  });
});

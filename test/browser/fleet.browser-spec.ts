import { randomBytes } from 'node:crypto';
import { formatCoordinates, formatSpeed } from '../../web/src/format';
import { deviceEvent, position, storeDeviceData } from '../factories/device-data.factory';
import { randomImei } from '../factories/telemetry.factory';
import { createFleet, type Fleet } from '../factories/tenant.factory';
import { waitFor } from '../utils/wait';
import { useChromium, useDashboard } from './support/dashboard';
import { BUENOS_AIRES, seedFleet, type SeededDevice } from './support/seed';
import {
  cellText,
  columnHeader,
  columnTexts,
  deviceRow,
  devicesGrid,
  fleetCounts,
  popup,
  renderedRows,
  search,
  selectRow,
  signInToFleet,
  waitForCounts,
  waitForDevice,
  waitForFleet,
} from './support/views';

const chromium = useChromium();

/** The speed a Speed cell shows, or null for "—". */
const speedOf = (text: string) => (text === formatSpeed(null) ? null : Number.parseFloat(text));

describe('Dashboard: fleet view', () => {
  const dashboard = useDashboard(chromium);
  let fleet: Fleet;
  /** 25 trackers with a position each, online. */
  let trackers: SeededDevice[];
  /** An Asset Tracker (its id has letters), online, the fastest. */
  const assetTracker = { deviceId: `Tracker-AbC${randomBytes(3).toString('hex')}`, speed: 150 };
  /** Last heard from two hours ago: offline (the threshold is 600 s). */
  const silent = { deviceId: randomImei(), speed: 120 };
  /** Devices that sent only an event: in the table, not on the map. */
  const withoutPosition = [randomImei(), randomImei()];
  let everyId: string[];
  let positionedIds: string[];

  beforeAll(async () => {
    const { testApp } = dashboard;
    fleet = await createFleet(testApp);
    trackers = await seedFleet(testApp, fleet.tenantId, 25);
    const now = Date.now();
    await storeDeviceData(testApp, fleet.tenantId, {
      kind: 'asset-tracker',
      positions: [
        position(assetTracker.deviceId, new Date(now - 30_000).toISOString(), {
          ...BUENOS_AIRES,
          speed: assetTracker.speed,
        }),
      ],
    });
    const twoHoursAgo = new Date(now - 7_200_000).toISOString();
    await storeDeviceData(testApp, fleet.tenantId, {
      receivedAt: twoHoursAgo,
      positions: [position(silent.deviceId, twoHoursAgo, { speed: silent.speed })],
    });
    await storeDeviceData(testApp, fleet.tenantId, {
      events: withoutPosition.map((id) => deviceEvent(id, new Date(now - 120_000).toISOString())),
    });
    positionedIds = [
      ...trackers.map((device) => device.deviceId),
      assetTracker.deviceId,
      silent.deviceId,
    ];
    everyId = [...positionedIds, ...withoutPosition];
  });

  it('shows every device in the table and every device with a position on the map', async () => {
    const { page } = dashboard;
    await signInToFleet(page, dashboard.url, fleet.tenant);

    expect(await fleetCounts(page)).toEqual({
      rows: everyId.length,
      markers: positionedIds.length,
    });
  });

  it('filters the table and the map together by search (id contains, any case)', async () => {
    const { page } = dashboard;
    await signInToFleet(page, dashboard.url, fleet.tenant);
    const matching = (text: string, ids: string[]) =>
      ids.filter((id) => id.toLowerCase().includes(text.toLowerCase())).length;

    // Digits from the middle of an IMEI: "contains", not "starts with".
    const digits = trackers[0].deviceId.slice(6, 9);
    await search(page, digits);
    const expected = { rows: matching(digits, everyId), markers: matching(digits, positionedIds) };
    expect(await waitForCounts(page, expected)).toEqual(expected);
    expect(expected.rows).toBeLessThan(29);

    await search(page, assetTracker.deviceId.toLowerCase());
    expect(await waitForCounts(page, { rows: 1, markers: 1 })).toEqual({ rows: 1, markers: 1 });
    expect((await renderedRows(page)).map((row) => row.deviceId)).toEqual([assetTracker.deviceId]);

    await search(page, 'no-such-device');
    expect(await waitForCounts(page, { rows: 0, markers: 0 })).toEqual({ rows: 0, markers: 0 });

    await search(page, '');
    expect(await waitForCounts(page, { rows: 29, markers: 27 })).toEqual({ rows: 29, markers: 27 });
  });

  it('sorts the rows by speed, both ways', async () => {
    const { page } = dashboard;
    await signInToFleet(page, dashboard.url, fleet.tenant);
    const slowest = Math.min(...trackers.map((device) => device.speed));
    const fastest = assetTracker.speed;

    const sortedBySpeed = async () => {
      const direction = await columnHeader(page, 'Speed').getAttribute('aria-sort');
      const speeds = (await columnTexts(page, 'Speed'))
        .map((row) => speedOf(row.text))
        .filter((speed) => speed !== null);
      return { direction, speeds };
    };
    const inOrder = ({ direction, speeds }: { direction: string | null; speeds: number[] }) => {
      const ascending = direction === 'ascending';
      if (!ascending && direction !== 'descending') return false;
      const sorted = [...speeds].sort((a, b) => (ascending ? a - b : b - a));
      return speeds.join() === sorted.join() && speeds[0] === (ascending ? slowest : fastest);
    };

    await devicesGrid(page).getByRole('button', { name: 'Speed', exact: true }).click();
    const first = await waitFor(sortedBySpeed, inOrder);
    expect(inOrder(first)).toBe(true);
    expect(first.speeds.length).toBeGreaterThan(5);

    await devicesGrid(page).getByRole('button', { name: 'Speed', exact: true }).click();
    const second = await waitFor(
      sortedBySpeed,
      (sorted) => sorted.direction !== first.direction && inOrder(sorted),
    );
    expect(second.direction).not.toBe(first.direction);
    expect(inOrder(second)).toBe(true);
  });

  it('moves the selection with the keyboard and opens the selected device with Enter', async () => {
    const { page } = dashboard;
    await signInToFleet(page, dashboard.url, fleet.tenant);
    const grid = devicesGrid(page);
    const selectedIndexes = async () =>
      (await renderedRows(page)).filter((row) => row.selected).map((row) => row.index);
    const pressFor = async (key: string, expected: (indexes: number[]) => boolean) => {
      await page.keyboard.press(key);
      return waitFor(selectedIndexes, expected);
    };

    const [first] = await renderedRows(page);
    expect(first.index).toBe(2);
    await selectRow(page, first.deviceId);
    await grid.focus();
    expect(await grid.evaluate((element) => element.contains(document.activeElement))).toBe(true);

    expect(await pressFor('ArrowDown', (rows) => rows[0] === 3)).toEqual([3]);
    expect(await pressFor('ArrowUp', (rows) => rows[0] === 2)).toEqual([2]);
    // The last row is out of sight at first: the table scrolls it into the DOM.
    expect(await pressFor('End', (rows) => rows[0] === 30)).toEqual([30]);
    expect(await pressFor('Home', (rows) => rows[0] === 2)).toEqual([2]);
    const paged = await pressFor('PageDown', (rows) => rows[0] > 3);
    expect(paged).toHaveLength(1);
    expect(paged[0]).toBeGreaterThan(3);
    expect(await pressFor('Home', (rows) => rows[0] === 2)).toEqual([2]);
    expect(await pressFor('ArrowDown', (rows) => rows[0] === 3)).toEqual([3]);

    const target = (await renderedRows(page)).find((row) => row.index === 3)?.deviceId ?? '';
    await page.keyboard.press('Enter');
    await waitForDevice(page);
    expect(await page.evaluate(() => location.hash)).toBe(
      `#/devices/${encodeURIComponent(target)}`,
    );
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(target);
  });

  it("opens a device's view from its IMEI link, and goes back to the fleet", async () => {
    const { page } = dashboard;
    await signInToFleet(page, dashboard.url, fleet.tenant);
    await search(page, assetTracker.deviceId);

    const link = deviceRow(page, assetTracker.deviceId).getByRole('link', {
      name: assetTracker.deviceId,
      exact: true,
    });
    expect(await link.getAttribute('href')).toBe(
      `#/devices/${encodeURIComponent(assetTracker.deviceId)}`,
    );
    await link.click();
    await waitForDevice(page);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(
      assetTracker.deviceId,
    );

    const back = page.getByRole('link', { name: 'Back to fleet', exact: true });
    expect(await back.getAttribute('href')).toBe('#/');
    await back.click();
    await waitForFleet(page);
    expect((await fleetCounts(page)).rows).toBeGreaterThan(0);
  });

  it("selecting a row opens its marker's popup with the device and its coordinates", async () => {
    const { page } = dashboard;
    const device = trackers[3];
    await signInToFleet(page, dashboard.url, fleet.tenant);
    await search(page, device.deviceId);
    await selectRow(page, device.deviceId);

    const text = await waitFor(
      async () => ((await popup(page).count()) > 0 ? await popup(page).innerText() : ''),
      (shown) => shown.includes(device.deviceId),
    );
    expect(text).toContain(device.deviceId);
    expect(text).toContain(formatCoordinates(device.lat, device.lon));
    expect(await deviceRow(page, device.deviceId).getAttribute('aria-selected')).toBe('true');
  });

  it('shows speed as sent, and a device silent for longer than the threshold as offline', async () => {
    const { page } = dashboard;
    const online = trackers[5];
    await signInToFleet(page, dashboard.url, fleet.tenant);

    await search(page, online.deviceId);
    await deviceRow(page, online.deviceId).waitFor();
    expect(await cellText(page, online.deviceId, 'Online')).toBe('Online');
    expect(await cellText(page, online.deviceId, 'Speed')).toBe(formatSpeed(online.speed));
    expect(await cellText(page, online.deviceId, 'IMEI')).toBe(online.deviceId);

    await search(page, silent.deviceId);
    await deviceRow(page, silent.deviceId).waitFor();
    expect(await cellText(page, silent.deviceId, 'Online')).toBe('Offline');
    expect(await cellText(page, silent.deviceId, 'Speed')).toBe(formatSpeed(silent.speed));
  });
});

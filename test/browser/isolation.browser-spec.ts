import { formatSpeed } from '../../web/src/format';
import { randomImei } from '../factories/telemetry.factory';
import { createFleet, type Fleet } from '../factories/tenant.factory';
import { waitFor } from '../utils/wait';
import { apiErrorMessage, livePoint, postTelemetry } from './support/api';
import { useChromium, useDashboard } from './support/dashboard';
import { movedFrom, seedFleet, type SeededDevice } from './support/seed';
import {
  cellText,
  fleetCounts,
  openDevice,
  renderedRows,
  search,
  signInToFleet,
  waitForAlerts,
  waitForCounts,
  waitForLiveState,
} from './support/views';

const chromium = useChromium();

describe("Dashboard: tenant A never sees tenant B's devices", () => {
  const dashboard = useDashboard(chromium);
  let a: Fleet;
  let b: Fleet;
  let aDevices: SeededDevice[];
  let bDevices: SeededDevice[];

  beforeAll(async () => {
    [a, b] = await Promise.all([
      createFleet(dashboard.testApp, 'Fleet A'),
      createFleet(dashboard.testApp, 'Fleet B'),
    ]);
    aDevices = await seedFleet(dashboard.testApp, a.tenantId, 6);
    bDevices = await seedFleet(dashboard.testApp, b.tenantId, 4);
  });

  const aIds = () => aDevices.map((device) => device.deviceId).sort();

  it('in the table and on the map', async () => {
    const { page } = dashboard;
    await signInToFleet(page, dashboard.url, a.tenant);

    expect(await fleetCounts(page)).toEqual({ rows: 6, markers: 6 });
    expect((await renderedRows(page)).map((row) => row.deviceId).sort()).toEqual(aIds());
  });

  it("when searching for B's IMEI", async () => {
    const { page } = dashboard;
    await signInToFleet(page, dashboard.url, a.tenant);

    await search(page, bDevices[0].deviceId);
    expect(await waitForCounts(page, { rows: 0, markers: 0 })).toEqual({ rows: 0, markers: 0 });
    expect(await renderedRows(page)).toEqual([]);
  });

  it("at B's device URL: not found, as for a device that does not exist", async () => {
    const { page } = dashboard;
    const expected = await apiErrorMessage(
      dashboard.url,
      `/apidev/v1/devices/${bDevices[0].deviceId}`,
      { headers: a.headers },
    );
    await signInToFleet(page, dashboard.url, a.tenant);
    await openDevice(page, bDevices[0].deviceId);

    expect(await waitForAlerts(page)).toEqual([expected]);
    expect(
      await page.locator('#device-map[data-vertex-count]:not([data-vertex-count="0"])').count(),
    ).toBe(0);
  });

  it('in the live stream', async () => {
    const { page } = dashboard;
    await signInToFleet(page, dashboard.url, a.tenant);
    await waitForLiveState(page, 'live');

    // B's devices move and B gets a new one; once B's API shows it stored, A's device moves.
    const newcomer = randomImei();
    const bMoved = { ...movedFrom(bDevices[0], 0.01, 0.01), speed: 91 };
    expect(
      (
        await postTelemetry(dashboard.url, b, [
          livePoint(bDevices[0].deviceId, bMoved),
          livePoint(newcomer, { lat: -34.6, lon: -58.4, speed: 5 }),
        ])
      ).status,
    ).toBe(200);
    const bStored = await waitFor(
      async () => {
        const response = await fetch(`${dashboard.url}/apidev/v1/devices/${newcomer}`, {
          headers: b.headers,
        });
        return response.status;
      },
      (status) => status === 200,
    );
    expect(bStored).toBe(200);
    const aMoved = { ...movedFrom(aDevices[0], 0.01, 0.01), speed: 99 };
    expect(
      (await postTelemetry(dashboard.url, a, [livePoint(aDevices[0].deviceId, aMoved)])).status,
    ).toBe(200);
    const speed = await waitFor(
      () => cellText(page, aDevices[0].deviceId, 'Speed'),
      (text) => text === formatSpeed(aMoved.speed),
    );
    expect(speed).toBe(formatSpeed(aMoved.speed));

    expect(await fleetCounts(page)).toEqual({ rows: 6, markers: 6 });
    expect((await renderedRows(page)).map((row) => row.deviceId).sort()).toEqual(aIds());
  });
});

import type { Page } from 'playwright-core';
import { deviceEvent, storeDeviceData } from '../factories/device-data.factory';
import { randomImei } from '../factories/telemetry.factory';
import { createFleet, type Fleet } from '../factories/tenant.factory';
import { useChromium, useDashboard } from './support/dashboard';
import { route, seedFleet, type SeededDevice } from './support/seed';
import {
  openDashboard,
  openDevice,
  search,
  selectRow,
  signIn,
  signInToFleet,
  waitForAlerts,
  waitForDevice,
  waitForPopupShown,
} from './support/views';

const chromium = useChromium();

interface AxeWindow {
  axe: typeof import('axe-core');
}

/**
 * axe-core's WCAG 2 A and AA rules on the page as it is now, one line per failing element. The
 * contexts bypass the page's CSP: axe is injected as an inline script, which the CSP refuses.
 */
async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const { violations } = await (window as unknown as AxeWindow).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] },
    });
    return violations.flatMap((violation) =>
      violation.nodes.map(
        (node) =>
          `${violation.id} (${violation.impact ?? 'unrated'}): ${violation.help} at ` +
          `${node.target.join(' ')}: ${node.failureSummary ?? ''}`,
      ),
    );
  });
}

describe('Dashboard: accessibility (axe-core, WCAG 2 A and AA)', () => {
  const dashboard = useDashboard(chromium, { context: { bypassCSP: true } });
  let fleet: Fleet;
  let devices: SeededDevice[];
  const tracked = randomImei();

  beforeAll(async () => {
    fleet = await createFleet(dashboard.testApp);
    devices = await seedFleet(dashboard.testApp, fleet.tenantId, 12);
    const track = route(tracked, 40, { start: Date.now() - 4 * 3_600_000, stepMs: 300_000 });
    await storeDeviceData(dashboard.testApp, fleet.tenantId, {
      positions: track,
      events: [
        deviceEvent(tracked, track[10].recordedAt, { type: 'OVERSPEED' }),
        deviceEvent(tracked, track[25].recordedAt),
      ],
    });
  });

  it('finds no violation on the sign-in form, also when it shows an error', async () => {
    const { page } = dashboard;
    await openDashboard(page, dashboard.url);
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    await signIn(page, fleet.tenant, { password: 'not-the-password' });
    await waitForAlerts(page);
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('finds no violation on the fleet view, with a device selected', async () => {
    const { page } = dashboard;
    await signInToFleet(page, dashboard.url, fleet.tenant);
    expect(await accessibilityViolations(page)).toEqual([]);

    await search(page, devices[0].deviceId);
    await selectRow(page, devices[0].deviceId);
    await waitForPopupShown(page);
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('finds no violation on the device view', async () => {
    const { page } = dashboard;
    await signInToFleet(page, dashboard.url, fleet.tenant);
    await openDevice(page, tracked);
    await waitForDevice(page);
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});

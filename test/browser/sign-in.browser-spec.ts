import type { Page } from 'playwright-core';
import { createFleet } from '../factories/tenant.factory';
import { apiErrorMessage } from './support/api';
import { useChromium, useDashboard } from './support/dashboard';
import type { PageRecord } from './support/page-record';
import { seedFleet } from './support/seed';
import {
  devicesGrid,
  openDashboard,
  openDevice,
  search,
  selectRow,
  signIn,
  signOutButton,
  waitForAlerts,
  waitForDevice,
  waitForFleet,
} from './support/views';

const chromium = useChromium();

/** Everything the page could have kept between loads: both storages and its cookies. */
async function storedByPage(page: Page): Promise<string> {
  const storage = await page.evaluate(() => ({
    localStorage: Object.entries(localStorage),
    sessionStorage: Object.entries(sessionStorage),
    documentCookie: document.cookie,
  }));
  return JSON.stringify({ ...storage, cookies: await page.context().cookies() });
}

/** The token the API gave the page at sign-in, from the answer the page read. */
async function issuedToken(record: PageRecord): Promise<string> {
  const request = record.requests.find(
    (candidate) =>
      candidate.method() === 'POST' &&
      new URL(candidate.url()).pathname === '/apidev/v1/auth/token',
  );
  const answer = await request?.response();
  if (!answer) throw new Error('The page asked for no token');
  return ((await answer.json()) as { data: { accessToken: string } }).data.accessToken;
}

describe('Dashboard: sign-in and sign-out', () => {
  const dashboard = useDashboard(chromium);

  it('asks for tenant, API key, username and password, each input named by its own label', async () => {
    const { page } = dashboard;
    await openDashboard(page, dashboard.url);
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();

    const labels = await page.locator('label').evaluateAll((elements) =>
      (elements as HTMLLabelElement[]).map((label) => ({
        text: label.textContent?.trim(),
        for: label.htmlFor,
        control: label.control?.id,
        type: label.control?.getAttribute('type') ?? null,
      })),
    );
    for (const text of ['Tenant', 'API key', 'Username', 'Password']) {
      const label = labels.find((candidate) => candidate.text === text);
      expect(label).toEqual(expect.objectContaining({ text, for: expect.stringMatching(/./) }));
      // `<label for>` names the control it labels.
      expect(label?.control).toBe(label?.for);
    }
    expect(labels.find((label) => label.text === 'Password')?.type).toBe('password');
  });

  it('signs in to the fleet view, and signs out back to an empty form', async () => {
    const { page } = dashboard;
    const fleet = await createFleet(dashboard.testApp);
    await seedFleet(dashboard.testApp, fleet.tenantId, 3);

    await openDashboard(page, dashboard.url);
    await signIn(page, fleet.tenant);
    await waitForFleet(page);
    expect(await devicesGrid(page).isVisible()).toBe(true);

    await signOutButton(page).click();
    await page.getByLabel('Tenant', { exact: true }).waitFor();
    expect(await signOutButton(page).count()).toBe(0);
    expect(await devicesGrid(page).count()).toBe(0);
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');

    // Nothing of the session survives a reload either: the form again, not the fleet.
    await page.reload();
    await page.getByLabel('Tenant', { exact: true }).waitFor();
    expect(await devicesGrid(page).count()).toBe(0);
  });

  it("shows the API's own message, word for word, for a wrong password", async () => {
    const { page } = dashboard;
    const { tenant } = await createFleet(dashboard.testApp);
    const expected = await apiErrorMessage(dashboard.url, '/apidev/v1/auth/token', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': tenant.apiKey,
        tenant: tenant.tenant,
      },
      body: JSON.stringify({ username: tenant.username, password: 'not-the-password' }),
    });

    await openDashboard(page, dashboard.url);
    await signIn(page, tenant, { password: 'not-the-password' });
    expect(await waitForAlerts(page)).toEqual([expected]);
    expect(await devicesGrid(page).count()).toBe(0);
  });

  it('keeps the token out of localStorage, sessionStorage and cookies, signed in and after using the views', async () => {
    const { page } = dashboard;
    const fleet = await createFleet(dashboard.testApp);
    const [device] = await seedFleet(dashboard.testApp, fleet.tenantId, 3);

    await openDashboard(page, dashboard.url);
    await signIn(page, fleet.tenant);
    const token = await issuedToken(dashboard.record);
    await waitForFleet(page);
    expect(token.length).toBeGreaterThan(20);
    expect(await storedByPage(page)).not.toContain(token);

    await search(page, device.deviceId);
    await selectRow(page, device.deviceId);
    await openDevice(page, device.deviceId);
    await waitForDevice(page);
    await page.getByRole('link', { name: 'Back to fleet', exact: true }).click();
    await waitForFleet(page);

    const stored = await storedByPage(page);
    expect(stored).not.toContain(token);
    // Nor any part of it (a JWT's signature alone would do to recognise a leak).
    expect(stored).not.toContain(token.split('.')[2]);
  });
});

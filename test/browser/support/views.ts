import type { Page } from 'playwright-core';
import type { TenantCredentials } from '../../../src/auth/tenants.service';
import { waitFor } from '../../utils/wait';

/**
 * The dashboard as its DOM contract describes it: labels, roles, ids and data attributes only,
 * never the markup around them.
 */

/** Loading every page of a fleet or a track and drawing it may take a while on a busy machine. */
export const READY_TIMEOUT_MS = 30_000;

export async function openDashboard(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/`);
}

/** Fills the sign-in form by its labels and submits it. */
export async function signIn(
  page: Page,
  tenant: TenantCredentials,
  overrides: Partial<Pick<TenantCredentials, 'password'>> = {},
): Promise<void> {
  await page.getByLabel('Tenant', { exact: true }).fill(tenant.tenant);
  await page.getByLabel('API key', { exact: true }).fill(tenant.apiKey);
  await page.getByLabel('Username', { exact: true }).fill(tenant.username);
  await page.getByLabel('Password', { exact: true }).fill(overrides.password ?? tenant.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Waits until an element of `role="alert"` has text; returns the texts of those that have. */
export function waitForAlerts(page: Page): Promise<string[]> {
  return waitFor(
    async () =>
      (await page.getByRole('alert').allTextContents()).map((text) => text.trim()).filter(Boolean),
    (texts) => texts.length > 0,
    { timeoutMs: 10_000 },
  );
}

export const signOutButton = (page: Page) =>
  page.getByRole('button', { name: 'Sign out', exact: true });

/** Opens the page, signs in and waits until every device is loaded and drawn. */
export async function signInToFleet(
  page: Page,
  url: string,
  tenant: TenantCredentials,
): Promise<void> {
  await openDashboard(page, url);
  await signIn(page, tenant);
  await waitForFleet(page);
}

export const fleetMap = (page: Page) => page.locator('#fleet-map');
export const devicesGrid = (page: Page) => page.getByRole('grid', { name: 'Devices', exact: true });
export const searchBox = (page: Page) =>
  page.getByRole('searchbox', { name: 'Search devices', exact: true });
export const liveStatus = (page: Page) => page.locator('#live-status');
export const popup = (page: Page) => page.locator('.leaflet-popup-content');

/** Waits until the open popup has faded in (Leaflet fades it): what is measured is what shows. */
export async function waitForPopupShown(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const shown = document.querySelector('.leaflet-popup');
    return shown !== null && getComputedStyle(shown).opacity === '1';
  });
}

export async function waitForFleet(page: Page): Promise<void> {
  await page.locator('#fleet-map[data-ready="true"]').waitFor({ timeout: READY_TIMEOUT_MS });
}

/** Devices the table holds (its `aria-rowcount` less the header row) and markers on the map. */
export async function fleetCounts(page: Page): Promise<{ rows: number; markers: number }> {
  const [rowCount, markerCount] = await Promise.all([
    devicesGrid(page).getAttribute('aria-rowcount'),
    fleetMap(page).getAttribute('data-marker-count'),
  ]);
  return { rows: Number(rowCount) - 1, markers: Number(markerCount) };
}

/** Waits until the table and the map show `expected` devices; returns what they show. */
export function waitForCounts(
  page: Page,
  expected: { rows: number; markers: number },
): Promise<{ rows: number; markers: number }> {
  return waitFor(
    () => fleetCounts(page),
    (counts) => counts.rows === expected.rows && counts.markers === expected.markers,
  );
}

export const deviceRow = (page: Page, deviceId: string) =>
  devicesGrid(page).locator(`[role="row"][data-device-id=${JSON.stringify(deviceId)}]`);

/** Data rows in the DOM now (the table is virtualised: the visible ones), in `aria-rowindex` order. */
export async function renderedRows(
  page: Page,
): Promise<{ deviceId: string; index: number; selected: boolean }[]> {
  const rows = await devicesGrid(page)
    .locator('[role="row"][data-device-id]')
    .evaluateAll((elements) =>
      elements.map((row) => ({
        deviceId: row.getAttribute('data-device-id') ?? '',
        index: Number(row.getAttribute('aria-rowindex')),
        selected: row.getAttribute('aria-selected') === 'true',
      })),
    );
  return rows.sort((a, b) => a.index - b.index);
}

/** The position, among the column headers, of the one whose sort button is named `column`. */
async function columnIndex(page: Page, column: string): Promise<number> {
  const headers = devicesGrid(page).getByRole('columnheader');
  const count = await headers.count();
  for (let index = 0; index < count; index++) {
    const named = headers.nth(index).getByRole('button', { name: column, exact: true });
    if ((await named.count()) > 0) return index;
  }
  throw new Error(`No column header of the Devices grid holds a button named "${column}"`);
}

export const columnHeader = (page: Page, column: string) =>
  devicesGrid(page)
    .getByRole('columnheader')
    .filter({ has: page.getByRole('button', { name: column, exact: true }) });

/**
 * The text of each rendered row's cell in `column`, rows in `aria-rowindex` order: the cells of a
 * row line up with the column headers, in document order.
 */
export async function columnTexts(
  page: Page,
  column: string,
): Promise<{ deviceId: string; index: number; text: string }[]> {
  const cellIndex = await columnIndex(page, column);
  const rows = await devicesGrid(page)
    .locator('[role="row"][data-device-id]')
    .evaluateAll(
      (elements, at) =>
        elements.map((row) => ({
          deviceId: row.getAttribute('data-device-id') ?? '',
          index: Number(row.getAttribute('aria-rowindex')),
          text:
            row
              .querySelectorAll(':scope > [role="gridcell"], :scope > [role="rowheader"]')
              [at]?.textContent?.trim() ?? '',
        })),
      cellIndex,
    );
  return rows.sort((a, b) => a.index - b.index);
}

/** The text of a device's cell in `column` (its row must be rendered). */
export async function cellText(page: Page, deviceId: string, column: string): Promise<string> {
  const cellIndex = await columnIndex(page, column);
  const cells = deviceRow(page, deviceId).locator(
    ':scope > [role="gridcell"], :scope > [role="rowheader"]',
  );
  return ((await cells.nth(cellIndex).textContent()) ?? '').trim();
}

/** Selects a row the way a user does: a click on the row, outside the IMEI link. */
export async function selectRow(page: Page, deviceId: string): Promise<void> {
  const row = deviceRow(page, deviceId);
  await row.locator(':scope > [role="gridcell"]').last().click();
  await page
    .locator(`[role="row"][data-device-id=${JSON.stringify(deviceId)}][aria-selected="true"]`)
    .waitFor();
}

export async function search(page: Page, text: string): Promise<void> {
  await searchBox(page).fill(text);
}

export async function liveState(page: Page): Promise<string | null> {
  return liveStatus(page).getAttribute('data-state');
}

/** Waits for the live indicator to say `state`; returns the state it shows. */
export function waitForLiveState(
  page: Page,
  state: 'connecting' | 'live' | 'reconnecting',
  timeoutMs = 10_000,
): Promise<string | null> {
  return waitFor(
    () => liveState(page),
    (shown) => shown === state,
    { timeoutMs },
  );
}

export const deviceMap = (page: Page) => page.locator('#device-map');

/** Opens a device's view the way its IMEI link does. */
export async function openDevice(page: Page, deviceId: string): Promise<void> {
  await page.evaluate(
    (hash) => {
      location.hash = hash;
    },
    `#/devices/${encodeURIComponent(deviceId)}`,
  );
}

export async function waitForDevice(page: Page): Promise<void> {
  await page.locator('#device-map[data-ready="true"]').waitFor({ timeout: READY_TIMEOUT_MS });
}

/** The device map's centre, from its `data-center` (`<lat>,<lon>`). */
export async function mapCenter(page: Page): Promise<{ lat: number; lon: number } | null> {
  const center = await deviceMap(page).getAttribute('data-center');
  if (!center) return null;
  const [lat, lon] = center.split(',').map(Number);
  return { lat, lon };
}

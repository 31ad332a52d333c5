import type { Page } from 'playwright-core';
import {
  deviceEvent,
  position,
  storeDeviceData,
  storeManyPositions,
} from '../factories/device-data.factory';
import { randomImei } from '../factories/telemetry.factory';
import { createFleet, type Fleet } from '../factories/tenant.factory';
import { waitFor } from '../utils/wait';
import { apiErrorMessage } from './support/api';
import { useChromium, useDashboard } from './support/dashboard';
import { route } from './support/seed';
import {
  deviceMap,
  mapCenter,
  openDevice,
  signInToFleet,
  waitForAlerts,
  waitForDevice,
  waitForFleet,
} from './support/views';

const chromium = useChromium();

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Positions of the long track: more than the largest page the history route gives (10,000), so
 * drawing it takes at least two cursor pages whatever page size the view asks for.
 */
const LONG_TRACK = 12_001;
/** Positions without a fix inside the range: in the history, never on the line. */
const UNFIXED = 6;

/** A `datetime-local` value for a moment, in the page's time zone. */
function localInputValue(page: Page, at: number): Promise<string> {
  return page.evaluate((ms) => {
    const offset = new Date(ms).getTimezoneOffset() * 60_000;
    return new Date(ms - offset).toISOString().slice(0, 16);
  }, at);
}

async function vertexCount(page: Page): Promise<number> {
  return Number(await deviceMap(page).getAttribute('data-vertex-count'));
}

/** The number before "positions" in the track summary. */
async function summaryCount(page: Page): Promise<number> {
  const text = (await page.locator('#track-summary').textContent()) ?? '';
  const match = /([\d.,\s\u202f]+)\s+positions/.exec(text);
  if (!match) throw new Error(`#track-summary says "${text}", not "<N> positions"`);
  return Number(match[1].replace(/[^\d]/g, ''));
}

describe('Dashboard: device view', () => {
  const dashboard = useDashboard(chromium);
  let fleet: Fleet;
  const longTrack = randomImei();
  /** The long track's first position, on a minute (the range inputs' precision). */
  let longStart: number;
  const eventful = randomImei();
  let eventfulTrack: ReturnType<typeof route>;

  beforeAll(async () => {
    const { testApp } = dashboard;
    fleet = await createFleet(testApp);
    const now = Date.now();

    longStart = Math.floor((now - 20 * HOUR) / MINUTE) * MINUTE;
    await storeManyPositions(
      testApp,
      fleet.tenantId,
      longTrack,
      LONG_TRACK,
      new Date(longStart).toISOString(),
    );
    const afterTrack = longStart + LONG_TRACK * 1000;
    await storeDeviceData(testApp, fleet.tenantId, {
      positions: [
        ...Array.from({ length: UNFIXED }, (_, i) =>
          position(longTrack, new Date(afterTrack + (i + 1) * MINUTE).toISOString(), {
            fix: false,
            lat: 10 + i,
            lon: 10 + i,
          }),
        ),
        // Older than the default range (the last 24 hours).
        ...Array.from({ length: 4 }, (_, i) =>
          position(longTrack, new Date(now - 30 * HOUR - i * MINUTE).toISOString()),
        ),
      ],
    });

    eventfulTrack = route(eventful, 8, {
      start: now - 3 * HOUR,
      stepMs: 15 * MINUTE,
      from: { lat: -34.58, lon: -58.45 },
      step: { lat: -0.01, lon: 0.01 },
    });
    await storeDeviceData(testApp, fleet.tenantId, {
      positions: eventfulTrack,
      events: [
        deviceEvent(eventful, at(eventfulTrack[2], 5 * MINUTE), { type: 'OVERSPEED' }),
        deviceEvent(eventful, at(eventfulTrack[5], 5 * MINUTE), { type: 'GEOFENCE_EXIT' }),
        deviceEvent(eventful, at(eventfulTrack[6], 0), { type: 'BATTERY_LOW' }),
      ],
    });
  });

  /** An ISO time `offsetMs` after a position's. */
  function at(point: { recordedAt: string }, offsetMs: number): string {
    return new Date(Date.parse(point.recordedAt) + offsetMs).toISOString();
  }

  async function showDevice(page: Page, deviceId: string): Promise<void> {
    await signInToFleet(page, dashboard.url, fleet.tenant);
    await openDevice(page, deviceId);
    await waitForDevice(page);
  }

  it('draws every fixed position of the last 24 hours, fetching every cursor page', async () => {
    const { page, record } = dashboard;
    const opened = Date.now();
    await showDevice(page, longTrack);

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(longTrack);
    expect(await vertexCount(page)).toBe(LONG_TRACK);
    // Whether the summary counts the positions without a fix is the view's choice; the ones
    // outside the range it must not count.
    expect([LONG_TRACK, LONG_TRACK + UNFIXED]).toContain(await summaryCount(page));

    const pages = record.requests
      .map((request) => new URL(request.url()))
      .filter(
        (url) =>
          url.pathname === `/apidev/v1/devices/${longTrack}/positions` &&
          !url.searchParams.has('format'),
      );
    const limit = Number(pages[0]?.searchParams.get('limit') ?? 1000);
    expect(LONG_TRACK).toBeGreaterThan(limit);
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(LONG_TRACK / limit));
    expect(pages.slice(1).every((url) => url.searchParams.has('cursor'))).toBe(true);
    // The default range: the last 24 hours (to the minute the inputs show).
    const from = Date.parse(pages[0].searchParams.get('from') ?? '');
    expect(Math.abs(from - (opened - 24 * HOUR))).toBeLessThan(2 * MINUTE);
  });

  it('shows the last 24 hours in the From and To inputs, and reloads the track for a new range', async () => {
    const { page } = dashboard;
    await showDevice(page, longTrack);
    const fromInput = page.getByLabel('From', { exact: true });
    const toInput = page.getByLabel('To', { exact: true });
    expect(await fromInput.getAttribute('type')).toBe('datetime-local');
    expect(await toInput.getAttribute('type')).toBe('datetime-local');
    const shown = await page.evaluate(
      ([from, to]) => [new Date(from).getTime(), new Date(to).getTime()],
      [await fromInput.inputValue(), await toInput.inputValue()],
    );
    expect(Math.abs(shown[1] - Date.now())).toBeLessThan(5 * MINUTE);
    expect(shown[1] - shown[0]).toBe(24 * HOUR);

    // From 100 minutes into the track: the positions of its last 6,001 seconds.
    await fromInput.fill(await localInputValue(page, longStart + 100 * MINUTE));
    const show = page.getByRole('button', { name: 'Show', exact: true });
    if ((await show.count()) > 0) await show.click();
    const drawn = await waitFor(
      () => vertexCount(page),
      (count) => count === LONG_TRACK - 6000,
      { timeoutMs: 20_000 },
    );
    expect(drawn).toBe(LONG_TRACK - 6000);
  });

  it('replays the track with a slider over its points', async () => {
    const { page } = dashboard;
    await showDevice(page, eventful);
    const slider = page.getByRole('slider', { name: 'Replay', exact: true });
    const [min, max] = await Promise.all([slider.getAttribute('min'), slider.getAttribute('max')]);
    expect(Number(max) - Number(min) + 1).toBe(await vertexCount(page));

    const output = page.locator('output');
    await slider.focus();
    await page.keyboard.press('Home');
    const atStart = ((await output.first().textContent()) ?? '').trim();
    await page.keyboard.press('End');
    const atEnd = await waitFor(
      async () => ((await output.first().textContent()) ?? '').trim(),
      (text) => text !== atStart && text !== '',
    );
    expect(await slider.inputValue()).toBe(max);
    expect(atEnd).not.toBe(atStart);
    expect(atEnd).not.toBe('');

    // Play moves the slider on by itself.
    await page.keyboard.press('Home');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    const played = await waitFor(
      async () => Number(await slider.inputValue()),
      (value) => value > Number(min),
    );
    expect(played).toBeGreaterThan(Number(min));
  });

  it("lists the device's events; a click centres the map where the device was then", async () => {
    const { page } = dashboard;
    await showDevice(page, eventful);
    const events = page.getByRole('list', { name: 'Events', exact: true });
    expect(await events.getByRole('button').count()).toBe(3);

    // The position at the event's time, or the last one before it.
    for (const [type, index] of [
      ['GEOFENCE_EXIT', 5],
      ['OVERSPEED', 2],
      ['BATTERY_LOW', 6],
    ] as const) {
      const expected = eventfulTrack[index];
      await events.getByRole('button', { name: new RegExp(type) }).click();
      // Within 0.005° (what a map's pixel rounding may shift); the neighbouring positions are
      // 0.01° away on each axis, so this is the one.
      const center = await waitFor(
        () => mapCenter(page),
        (shown) =>
          shown !== null &&
          Math.abs(shown.lat - expected.lat) < 0.005 &&
          Math.abs(shown.lon - expected.lon) < 0.005,
      );
      expect({ type, center }).toEqual({
        type,
        center: { lat: expect.closeTo(expected.lat, 2), lon: expect.closeTo(expected.lon, 2) },
      });
    }
  });

  it("says so, with the API's message, for a device the tenant does not have", async () => {
    const { page } = dashboard;
    const unknown = randomImei();
    const expected = await apiErrorMessage(dashboard.url, `/apidev/v1/devices/${unknown}`, {
      headers: fleet.headers,
    });
    await signInToFleet(page, dashboard.url, fleet.tenant);
    await openDevice(page, unknown);

    expect(await waitForAlerts(page)).toEqual([expected]);
  });

  it('goes back to the fleet', async () => {
    const { page } = dashboard;
    await showDevice(page, eventful);
    await page.getByRole('link', { name: 'Back to fleet', exact: true }).click();
    await waitForFleet(page);
    expect(await page.evaluate(() => location.hash)).toMatch(/^#?\/?$/);
  });
});

import { readFile } from 'node:fs/promises';
import type { TenantCredentials } from '../../src/auth/tenants.service';
import { startEmbeddedDefault, type EmbeddedDefault } from '../utils/embedded-default';
import { livePoint } from './support/api';
import { useChromium, VIEWPORT } from './support/dashboard';
import { deviceRow, fleetCounts, liveStatus, signIn, waitForFleet } from './support/views';

jest.setTimeout(120_000);

/**
 * What the README promises a first-time user: `npm start` on the embedded default (its own
 * PostgreSQL, no Redis) serves the dashboard at `/`, and the demo tenant's credentials from
 * `.data/demo-credentials.json` sign in to it.
 */
describe('Dashboard on the embedded default, as npm start serves it', () => {
  const chromium = useChromium();
  let server: EmbeddedDefault;

  beforeAll(async () => {
    server = await startEmbeddedDefault();
  });

  afterAll(async () => {
    await server?.close();
  });

  it('signs in with the demo credentials, shows the fleet and follows it live', async () => {
    const demo = JSON.parse(await readFile(server.credentialsFile, 'utf8')) as TenantCredentials;
    const page = await chromium.browser.newPage({ viewport: VIEWPORT });
    await page.goto(`${server.url}/`);
    await signIn(page, demo);
    await waitForFleet(page);
    expect(await fleetCounts(page)).toEqual({ rows: 0, markers: 0 });
    await liveStatus(page).and(page.locator('[data-state="live"]')).waitFor();

    const issued = await fetch(`${server.url}/apidev/v1/auth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': demo.apiKey,
        tenant: demo.tenant,
      },
      body: JSON.stringify({ username: demo.username, password: demo.password }),
    }).then(async (answer) => ((await answer.json()) as { data: { accessToken: string } }).data);
    const sent = await fetch(`${server.url}/apidev/v1/telemetry`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${issued.accessToken}`,
        'x-api-key': demo.apiKey,
        tenant: demo.tenant,
      },
      body: JSON.stringify([livePoint('352093081234567', { lat: -34.6, lon: -58.38, speed: 45 })]),
    });
    expect(sent.status).toBe(200);

    await deviceRow(page, '352093081234567').waitFor();
    expect(await fleetCounts(page)).toEqual({ rows: 1, markers: 1 });
    await page.close();
  });
});

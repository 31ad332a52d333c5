import { readFile } from 'node:fs/promises';
import { position, storeDeviceData } from '../factories/device-data.factory';
import { randomImei } from '../factories/telemetry.factory';
import { createFleet, type Fleet } from '../factories/tenant.factory';
import { parseCsv } from '../utils/csv';
import { useChromium, useDashboard } from './support/dashboard';
import { route } from './support/seed';
import { openDevice, signInToFleet, waitForDevice } from './support/views';

const chromium = useChromium();

const HOUR = 3_600_000;

/** Positions in the default range (the last 24 hours), and how many of them have a fix. */
const IN_RANGE = 30;
const FIXED = 26;

describe('Dashboard: exports of the shown range', () => {
  const dashboard = useDashboard(chromium);
  let fleet: Fleet;
  const deviceId = randomImei();

  beforeAll(async () => {
    fleet = await createFleet(dashboard.testApp);
    const now = Date.now();
    await storeDeviceData(dashboard.testApp, fleet.tenantId, {
      positions: [
        ...route(deviceId, IN_RANGE, {
          start: now - 2 * HOUR,
          stepMs: 120_000,
          step: { lat: 0.001, lon: -0.001 },
          unfixed: (i) => i % 8 === 3,
        }),
        // Older than the range: in no file.
        ...Array.from({ length: 3 }, (_, i) =>
          position(deviceId, new Date(now - 30 * HOUR - i * 60_000).toISOString()),
        ),
      ],
    });
  });

  /** Clicks a download button; the file's name and text, and the export request the page sent. */
  async function download(button: string, format: string) {
    const { page, record } = dashboard;
    await signInToFleet(page, dashboard.url, fleet.tenant);
    await openDevice(page, deviceId);
    await waitForDevice(page);

    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: button, exact: true }).click(),
    ]);
    const request = record.requests.find(
      (candidate) => new URL(candidate.url()).searchParams.get('format') === format,
    );
    return {
      name: file.suggestedFilename(),
      text: await readFile(await file.path(), 'utf8'),
      url: new URL(request?.url() ?? 'about:blank'),
      headers: (await request?.allHeaders()) ?? {},
    };
  }

  /** The export went through the positions route, with the range and the session's headers. */
  function expectExportRequest(
    exported: Awaited<ReturnType<typeof download>>,
    extension: string,
  ): void {
    expect(exported.url.pathname).toBe(`/apidev/v1/devices/${deviceId}/positions`);
    expect(exported.url.searchParams.get('from')).toEqual(expect.any(String));
    expect(exported.headers).toEqual(
      expect.objectContaining({
        authorization: expect.stringMatching(/^Bearer \S+$/),
        'x-api-key': fleet.tenant.apiKey,
        tenant: fleet.tenant.tenant,
      }),
    );
    // <deviceId>-<from>-<to>.<ext>
    expect(exported.name).toMatch(new RegExp(`^${deviceId}-.+-.+\\.${extension}$`));
  }

  it('downloads a CSV with a header row and one row per position in the range', async () => {
    const exported = await download('Download CSV', 'csv');

    expectExportRequest(exported, 'csv');
    const rows = parseCsv(exported.text);
    expect(rows[0]).toContain('recordedAt');
    expect(rows).toHaveLength(IN_RANGE + 1);
  });

  it('downloads a GPX track with one point per position in the range', async () => {
    const exported = await download('Download GPX', 'gpx');

    expectExportRequest(exported, 'gpx');
    expect(exported.text).toContain('<gpx');
    expect(exported.text.match(/<trkpt\b/g)).toHaveLength(IN_RANGE);
  });

  it('downloads GeoJSON: the track line of the fixed positions, and a point per position', async () => {
    const exported = await download('Download GeoJSON', 'geojson');

    expectExportRequest(exported, 'geojson');
    const collection = JSON.parse(exported.text) as {
      type: string;
      features: { geometry: { type: string; coordinates: unknown[] } }[];
    };
    expect(collection.type).toBe('FeatureCollection');
    const byType = (type: string) =>
      collection.features.filter((feature) => feature.geometry.type === type);
    expect(byType('Point')).toHaveLength(IN_RANGE);
    expect(byType('LineString').map((line) => line.geometry.coordinates.length)).toEqual([FIXED]);
  });
});

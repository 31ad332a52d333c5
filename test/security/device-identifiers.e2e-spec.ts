import type { TenantCredentials } from '../../src/auth/tenants.service';
import { northboundCredentials, trackerMessage } from '../factories/northbound.factory';
import { telemetryPoint } from '../factories/telemetry.factory';
import { apiHeaders, createTenant, issueToken } from '../factories/tenant.factory';
import { createTestApp, type TestApp } from '../utils/test-app';

/**
 * A device's identifier (telemetry `imei`, Asset Tracker `trackerId`) is written as it is into
 * exports, logs and dashboards: one holding a control character (C0, DEL, C1) is an invalid field,
 * refused in each route's format, and nothing of it is stored.
 */

const CONTROL_CHARACTERS: [string, string][] = [
  ['U+0001', '\u0001'],
  ['a vertical tab', '\u000b'],
  ['a tab', '\t'],
  ['a line feed', '\n'],
  ['a carriage return', '\r'],
  ['an escape', '\u001b'],
  ['U+001F', '\u001f'],
  ['DEL', '\u007f'],
  ['U+0080', '\u0080'],
  ['a next line (U+0085)', '\u0085'],
  ['U+009F', '\u009f'],
];

interface ErrorBody {
  success: false;
  error: { code: string; message: string; details?: Record<string, unknown>[] };
  meta: Record<string, unknown>;
}

describe('control characters in device identifiers', () => {
  let testApp: TestApp;
  let tenant: TenantCredentials;
  let headers: Record<string, string>;

  beforeAll(async () => {
    testApp = await createTestApp({ redis: false, env: { LIFECYCLE_INTERVAL_MINUTES: '0' } });
    tenant = await createTenant(testApp, 'Identifier Fleet');
    headers = apiHeaders(tenant, await issueToken(testApp, tenant));
  });
  afterAll(async () => {
    await testApp?.close();
  });

  const devicesNamed = (externalId: string) =>
    testApp.dataSource.query<unknown[]>('SELECT id FROM devices WHERE external_id = $1', [
      externalId,
    ]);

  describe('POST /apidev/v1/telemetry', () => {
    const post = (imei: string) =>
      testApp.http
        .post('/apidev/v1/telemetry')
        .set(headers)
        .send([telemetryPoint({ imei })]);

    it.each(CONTROL_CHARACTERS)('400 naming imei when it holds %s', async (_label, char) => {
      const imei = `35209308${char}1234567`;
      const response = await post(imei);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        success: false,
        error: {
          code: 'VALIDATION_ERROR',
          message: '1 of 1 points are invalid; the batch was not accepted',
          details: [
            {
              index: 0,
              field: 'imei',
              message: 'must not contain control characters or unpaired surrogates',
            },
          ],
        },
        meta: {},
      });
      expect(await devicesNamed(imei)).toEqual([]);
    });

    it('accepts an identifier of other printable text', async () => {
      const imei = `IMEI 35209308 ü\u00a0${Date.now()}`;
      expect((await post(imei)).status).toBe(200);
      expect(await devicesNamed(imei)).toHaveLength(1);
    });
  });

  describe('POST /data', () => {
    const post = (trackerId: string) =>
      testApp.http
        .post('/data')
        .auth(...northboundCredentials(tenant))
        .send(trackerMessage({ trackerId }));

    it.each(CONTROL_CHARACTERS)('400 naming trackerId when it holds %s', async (_label, char) => {
      const trackerId = `600a0002${char}d7026715`;
      const response = await post(trackerId);
      const body = response.body as ErrorBody;
      expect({ status: response.status, code: body.error?.code }).toEqual({
        status: 400,
        code: 'VALIDATION_ERROR',
      });
      expect(body.error.details).toEqual([
        {
          field: 'trackerId',
          message: 'trackerId must not contain control characters or unpaired surrogates',
        },
      ]);
      expect(await devicesNamed(trackerId)).toEqual([]);
      const messages = await testApp.dataSource.query<unknown[]>(
        'SELECT 1 FROM tracker_messages WHERE tracker_id = $1',
        [trackerId],
      );
      expect(messages).toEqual([]);
    });

    it('accepts an identifier of other printable text', async () => {
      const trackerId = `tracker ü\u00a0${Date.now()}`;
      expect((await post(trackerId)).status).toBe(200);
      expect(await devicesNamed(trackerId)).toHaveLength(1);
    });
  });
});

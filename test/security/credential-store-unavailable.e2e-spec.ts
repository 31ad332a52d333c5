import type { QueryRunner } from 'typeorm';
import { CredentialVerifier } from '../../src/auth/credential-verifier.service';
import type { TenantCredentials } from '../../src/auth/tenants.service';
import { northboundCredentials, trackerMessage } from '../factories/northbound.factory';
import { examplePoints, randomImei } from '../factories/telemetry.factory';
import { apiHeaders, createTenant, issueToken } from '../factories/tenant.factory';
import { UNAUTHORIZED, errorEnvelope } from '../utils/api-envelope';
import { createTestApp, type TestApp } from '../utils/test-app';

const POOL_SIZE = 2;
const UNAVAILABLE = errorEnvelope(
  'SERVICE_UNAVAILABLE',
  'Credentials cannot be checked right now; retry shortly',
);

/**
 * A credential check that cannot reach PostgreSQL (here: every pool connection held, so the
 * check waits for one until the pool gives up) must tell the caller to retry: a tracker never
 * resends after a 401, and its data would be lost.
 */
describe('credential checks while the database cannot answer', () => {
  let testApp: TestApp;
  /** Nothing of it cached: every check of its credentials asks the database. */
  let cold: TenantCredentials;
  /** Its API key cached: a token request asks the database only for the password. */
  let warm: TenantCredentials;
  let coldToken: string;

  const keyHeaders = (tenant: TenantCredentials) => ({
    'X-API-Key': tenant.apiKey,
    tenant: tenant.tenant,
  });
  const requests = {
    telemetry: () =>
      testApp.http
        .post('/apidev/v1/telemetry')
        .set(apiHeaders(cold, coldToken))
        .send(examplePoints(randomImei())),
    token: () =>
      testApp.http
        .post('/apidev/v1/auth/token')
        .set(keyHeaders(cold))
        .send({ username: cold.username, password: cold.password }),
    'token (password check)': () =>
      testApp.http
        .post('/apidev/v1/auth/token')
        .set(keyHeaders(warm))
        .send({ username: warm.username, password: warm.password }),
    'Asset Tracker message': () =>
      testApp.http
        .post('/data')
        .auth(...northboundCredentials(cold))
        .send(trackerMessage()),
  };

  /** Checks out every connection of the app's pool until `release` is called. */
  async function holdThePool(): Promise<{ release(): Promise<void> }> {
    const runners: QueryRunner[] = Array.from({ length: POOL_SIZE }, () =>
      testApp.dataSource.createQueryRunner(),
    );
    await Promise.all(runners.map((runner) => runner.connect()));
    return { release: () => Promise.all(runners.map((runner) => runner.release())).then() };
  }

  beforeAll(async () => {
    testApp = await createTestApp({
      env: {
        DATABASE_POOL_SIZE: String(POOL_SIZE),
        // Exports must keep below the pool's size; this small pool leaves room for one.
        EXPORT_MAX_CONCURRENT: '1',
        LIFECYCLE_INTERVAL_MINUTES: '0',
      },
    });
    [cold, warm] = await Promise.all([
      createTenant(testApp, 'Cold Fleet'),
      createTenant(testApp, 'Warm Fleet'),
    ]);
    coldToken = await issueToken(testApp, cold);
  });
  afterAll(() => testApp.close());

  it('answers 503 with Retry-After, never 401, and the same requests pass once it answers', async () => {
    const verifier = testApp.app.get(CredentialVerifier);
    verifier.clearCache();
    // A wrong password: the API key and tenant are verified (and cached), the password is not.
    const wrongPassword = await testApp.http
      .post('/apidev/v1/auth/token')
      .set(keyHeaders(warm))
      .send({ username: warm.username, password: 'not-the-password' });
    expect(wrongPassword.body).toEqual(UNAUTHORIZED);

    const pool = await holdThePool();
    const responses = await Promise.all(
      Object.entries(requests).map(async ([label, send]) => [label, await send()] as const),
    ).finally(() => pool.release());
    for (const [label, response] of responses) {
      expect({ label, status: response.status, body: response.body as unknown }).toEqual({
        label,
        status: 503,
        body: UNAVAILABLE,
      });
      expect(response.headers['retry-after']).toBe('1');
    }

    for (const [label, send] of Object.entries(requests)) {
      expect({ label, status: (await send()).status }).toEqual({ label, status: 200 });
    }
  });
});

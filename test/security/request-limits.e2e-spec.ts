import type { TenantCredentials } from '../../src/auth/tenants.service';
import { apiHeaders, createTenant, issueToken } from '../factories/tenant.factory';
import { createTestApp, type TestApp } from '../utils/test-app';

const DEVICES = '/apidev/v1/devices';
const TOKEN = '/apidev/v1/auth/token';
const FAILURES_PER_MINUTE = 20;
const REQUESTS_PER_MINUTE = 30;

/** Client addresses, as the trusted proxy in front names them. */
const ATTACKER = { 'X-Forwarded-For': '203.0.113.7' };
const FLEET = { 'X-Forwarded-For': '198.51.100.2' };

interface ErrorBody {
  error: { code: string; details?: { bucket?: string } };
}

/**
 * A tenant's request limit is spent only by requests that authenticated as that tenant;
 * unauthenticated traffic is limited by the address it comes from.
 */
describe('request limits: by tenant once authenticated, by address before', () => {
  let testApp: TestApp;
  let victim: TenantCredentials;

  beforeAll(async () => {
    testApp = await createTestApp({
      env: {
        TRUST_PROXY: 'loopback',
        RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: String(FAILURES_PER_MINUTE),
        RATE_LIMIT_API_PER_MINUTE: String(REQUESTS_PER_MINUTE),
      },
    });
    victim = await createTenant(testApp);
  });
  afterAll(() => testApp.close());

  it('an anonymous flood naming a tenant is cut off by its address and spends none of that tenant’s limit', async () => {
    const flood: number[] = [];
    for (let i = 0; i < FAILURES_PER_MINUTE + 30; i++) {
      const response = await testApp.http.get(DEVICES).set({ ...ATTACKER, tenant: victim.tenant });
      flood.push(response.status);
    }
    expect(flood).toEqual([
      ...Array<number>(FAILURES_PER_MINUTE).fill(400),
      ...Array<number>(30).fill(429),
    ]);
    const refused = await testApp.http.get(DEVICES).set({ ...ATTACKER, tenant: victim.tenant });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((refused.body as ErrorBody).error.details?.bucket).toBe('auth-failures');
    // A wrong password from there is refused before it is even checked.
    const guessed = await testApp.http
      .post(TOKEN)
      .set({ ...ATTACKER, 'X-API-Key': victim.apiKey, tenant: victim.tenant })
      .send({ username: victim.username, password: 'guess' });
    expect(guessed.status).toBe(429);

    // The tenant itself, from its own address: its token, then its whole limit, untouched.
    const token = (
      (
        await testApp.http
          .post(TOKEN)
          .set({ ...FLEET, 'X-API-Key': victim.apiKey, tenant: victim.tenant })
          .send({ username: victim.username, password: victim.password })
      ).body as { data: { accessToken: string } }
    ).data.accessToken;
    const own: number[] = [];
    // The token request above was the first of the tenant's requests this minute.
    for (let i = 1; i < REQUESTS_PER_MINUTE; i++) {
      own.push(
        (await testApp.http.get(DEVICES).set({ ...FLEET, ...apiHeaders(victim, token) })).status,
      );
    }
    expect(own).toEqual(Array(REQUESTS_PER_MINUTE - 1).fill(200));
    const over = await testApp.http.get(DEVICES).set({ ...FLEET, ...apiHeaders(victim, token) });
    expect(over.status).toBe(429);
    expect((over.body as ErrorBody).error.details?.bucket).toBe('api');
  });

  it('failures with credentials of another tenant are counted by address too, not in that tenant', async () => {
    const other = await createTenant(testApp);
    const token = await issueToken(testApp, other);
    const forger = { 'X-Forwarded-For': '192.0.2.55' };
    const statuses: number[] = [];
    for (let i = 0; i <= FAILURES_PER_MINUTE; i++) {
      const response = await testApp.http
        .get(DEVICES)
        .set({ ...forger, ...apiHeaders(other, token), 'X-API-Key': `${other.apiKey}x` });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, FAILURES_PER_MINUTE)).toEqual(Array(FAILURES_PER_MINUTE).fill(401));
    expect(statuses[FAILURES_PER_MINUTE]).toBe(429);
    // The forged tenant's own requests still go through.
    await testApp.http
      .get(DEVICES)
      .set({ ...FLEET, ...apiHeaders(other, token) })
      .expect(200);
  });
});

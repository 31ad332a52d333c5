import type { Response } from 'supertest';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { CredentialVerifier } from '../src/auth/credential-verifier.service';
import { NorthboundCredentialsService } from '../src/auth/northbound-credentials.service';
import type { TenantCredentials } from '../src/auth/tenants.service';
import { UsersService } from '../src/auth/users.service';
import { apiHeaders, createTenant, issueToken, tenantIdOf } from './factories/tenant.factory';
import { claimsOf, signToken } from './factories/token.factory';
import { UNAUTHORIZED, missingHeaders } from './utils/api-envelope';
import { PROBE_PATH, ProbeController } from './utils/probe.controller';
import { createTestApp, type TestApp } from './utils/test-app';

const TOKEN_PATH = '/apidev/v1/auth/token';
const NORTHBOUND_PATH = `${PROBE_PATH}/northbound`;
const TWILIO_PATH = `${PROBE_PATH}/twilio`;
const NORTHBOUND_CHALLENGE = 'Basic realm="northbound"';
const TWILIO_CHALLENGE = 'Basic realm="Twilio API"';

describe('auth', () => {
  let testApp: TestApp;
  /** Two tenants whose credentials are never revoked: tests that revoke make their own. */
  let a: TenantCredentials;
  let b: TenantCredentials;
  let aId: string;
  let bId: string;
  let aToken: string;
  let bToken: string;

  const users = () => testApp.app.get(UsersService);
  const apiKeys = () => testApp.app.get(ApiKeysService);
  const northboundCredentials = () => testApp.app.get(NorthboundCredentialsService);
  /** Revocations reach a running server within AUTH_CACHE_TTL; the tests do not wait for it. */
  const clearCache = () => testApp.app.get(CredentialVerifier).clearCache();

  const tokenRequest = (headers: Record<string, string>, body: object) =>
    testApp.http.post(TOKEN_PATH).set(headers).send(body);
  const callProtected = (headers: Record<string, string>) =>
    testApp.http.get(PROBE_PATH).set(headers);

  function expectUnauthorized(response: Response, challenge?: string): void {
    expect(response.status).toBe(401);
    expect(response.body).toEqual(UNAUTHORIZED);
    expect(response.headers['www-authenticate']).toBe(challenge);
  }

  beforeAll(async () => {
    testApp = await createTestApp({ extraControllers: [ProbeController] });
    [a, b] = await Promise.all([
      createTenant(testApp, 'Fleet A'),
      createTenant(testApp, 'Fleet B'),
    ]);
    [aId, bId, aToken, bToken] = await Promise.all([
      tenantIdOf(testApp, a.tenant),
      tenantIdOf(testApp, b.tenant),
      issueToken(testApp, a),
      issueToken(testApp, b),
    ]);
  });
  afterAll(() => testApp.close());

  describe('token issue (POST /apidev/v1/auth/token)', () => {
    const keyHeaders = (tenant: TenantCredentials) => ({
      'X-API-Key': tenant.apiKey,
      tenant: tenant.tenant,
    });
    const credentials = (tenant: TenantCredentials) => ({
      username: tenant.username,
      password: tenant.password,
    });

    it('exchanges username and password, with the tenant API key, for a JWT', async () => {
      const response = await tokenRequest(keyHeaders(a), credentials(a)).expect(200);
      expect(response.body).toEqual({
        success: true,
        data: { accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 3600 },
        meta: {},
      });
      const claims = claimsOf(
        (response.body as { data: { accessToken: string } }).data.accessToken,
      );
      expect(claims.tid).toBe(aId);
      expect(claims.exp! - claims.iat!).toBe(3600);
      expect(await issueToken(testApp, a)).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    });

    it('refuses a wrong password (401)', async () => {
      const response = await tokenRequest(keyHeaders(a), { ...credentials(a), password: 'wrong' });
      expectUnauthorized(response);
    });

    it('refuses an unknown username with the same 401', async () => {
      const response = await tokenRequest(keyHeaders(a), { ...credentials(a), username: 'ghost' });
      expectUnauthorized(response);
    });

    it("refuses another tenant's user (same username, its own password) (401)", async () => {
      expect(b.username).toBe(a.username);
      expectUnauthorized(await tokenRequest(keyHeaders(a), credentials(b)));
    });

    it("refuses another tenant's API key under this tenant's header (401)", async () => {
      const response = await tokenRequest(
        { 'X-API-Key': b.apiKey, tenant: a.tenant },
        credentials(a),
      );
      expectUnauthorized(response);
    });

    it('refuses an API key that does not exist or is not one (401)', async () => {
      const forged = `fh_${a.apiKey.slice(3, 15)}_${'x'.repeat(32)}`;
      expectUnauthorized(
        await tokenRequest({ ...keyHeaders(a), 'X-API-Key': forged }, credentials(a)),
      );
      expectUnauthorized(
        await tokenRequest({ ...keyHeaders(a), 'X-API-Key': 'not-a-key' }, credentials(a)),
      );
    });

    it('refuses an unknown tenant slug (401)', async () => {
      const response = await tokenRequest(
        { ...keyHeaders(a), tenant: 'no-such-tenant' },
        credentials(a),
      );
      expectUnauthorized(response);
    });

    it('refuses a revoked API key (401)', async () => {
      const tenant = await createTenant(testApp, 'Revoked key fleet');
      await tokenRequest(keyHeaders(tenant), credentials(tenant)).expect(200);
      expect(await apiKeys().revoke(tenant.tenant, tenant.apiKey)).toBe(true);
      clearCache();
      expectUnauthorized(await tokenRequest(keyHeaders(tenant), credentials(tenant)));
    });

    it('refuses a disabled user (401)', async () => {
      const user = await users().create(a.tenant, 'disabled-at-issue');
      const login = { username: user.username, password: user.password };
      await tokenRequest(keyHeaders(a), login).expect(200);
      await testApp.dataSource.query(
        `UPDATE users SET disabled_at = now() WHERE username = $1 AND tenant_id = $2`,
        [user.username, aId],
      );
      expectUnauthorized(await tokenRequest(keyHeaders(a), login));
    });
  });

  describe('dual auth: Bearer JWT + X-API-Key + tenant', () => {
    it('lets a matching JWT, API key and tenant through, as that tenant and user', async () => {
      const response = await callProtected(apiHeaders(a, aToken)).expect(200);
      expect(response.body).toEqual({
        success: true,
        data: {
          tenantId: aId,
          tenantSlug: a.tenant,
          apiKeyId: expect.stringMatching(/^[0-9a-f-]{36}$/),
          userId: claimsOf(aToken).sub,
          role: 'admin',
        },
        meta: {},
      });
    });

    it('accepts a token minted with the server secret (so the forgeries below fail for their fault alone)', async () => {
      const { sub, tid } = claimsOf(aToken);
      await callProtected(apiHeaders(a, signToken({ sub, tid }))).expect(200);
    });

    it.each([
      ['Authorization', ['Authorization']],
      ['X-API-Key', ['X-API-Key']],
      ['tenant', ['tenant']],
      ['all three', ['Authorization', 'X-API-Key', 'tenant']],
      ['X-API-Key and tenant', ['X-API-Key', 'tenant']],
    ])('answers 400 naming the missing header(s): %s', async (_label, missing) => {
      const headers = Object.fromEntries(
        Object.entries(apiHeaders(a, aToken)).filter(([name]) => !missing.includes(name)),
      );
      const response = await callProtected(headers);
      expect(response.status).toBe(400);
      expect(response.body).toEqual(missingHeaders(...missing));
    });

    /** Every way a present credential can be wrong; each must be the same indistinct 401. */
    const forgeries: [string, () => Promise<Record<string, string>>][] = [
      [
        'a JWT signed with another secret',
        () => {
          const token = signToken(claimsOf(aToken), 'another-secret-of-at-least-thirty-two-chars');
          return Promise.resolve(apiHeaders(a, token));
        },
      ],
      [
        'an expired JWT',
        () => {
          const { sub, tid } = claimsOf(aToken);
          const past = Math.floor(Date.now() / 1000) - 120;
          return Promise.resolve(apiHeaders(a, signToken({ sub, tid, iat: past - 60, exp: past })));
        },
      ],
      ['a JWT that is not one', () => Promise.resolve(apiHeaders(a, 'not.a.jwt'))],
      [
        'an unsigned JWT (alg none)',
        () => {
          const [, payload] = aToken.split('.');
          const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString(
            'base64url',
          );
          return Promise.resolve(apiHeaders(a, `${header}.${payload}.`));
        },
      ],
      [
        "a JWT claiming another tenant than its user's",
        () => Promise.resolve(apiHeaders(b, signToken({ sub: claimsOf(aToken).sub, tid: bId }))),
      ],
      [
        'a JWT whose subject is not a user id',
        () => Promise.resolve(apiHeaders(a, signToken({ sub: 'admin', tid: aId }))),
      ],
      [
        "tenant A's JWT with tenant B's API key and header",
        () => Promise.resolve(apiHeaders(b, aToken)),
      ],
      [
        "tenant A's API key with tenant B's JWT and header",
        () => Promise.resolve({ ...apiHeaders(b, bToken), 'X-API-Key': a.apiKey }),
      ],
      [
        "tenant A's JWT and API key under tenant B's header",
        () => Promise.resolve({ ...apiHeaders(a, aToken), tenant: b.tenant }),
      ],
      [
        'an unknown tenant slug',
        () => Promise.resolve({ ...apiHeaders(a, aToken), tenant: 'no-such-tenant' }),
      ],
      [
        'an unknown API key',
        () =>
          Promise.resolve({
            ...apiHeaders(a, aToken),
            'X-API-Key': `fh_000000000000_${'a'.repeat(32)}`,
          }),
      ],
      [
        'Basic credentials instead of a Bearer token',
        () =>
          Promise.resolve({
            ...apiHeaders(a, aToken),
            Authorization: `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`,
          }),
      ],
      [
        'the JWT without the Bearer scheme',
        () => Promise.resolve({ ...apiHeaders(a, aToken), Authorization: aToken }),
      ],
      [
        'a revoked API key',
        async () => {
          const key = await apiKeys().create(a.tenant, 'soon revoked');
          const headers = { ...apiHeaders(a, aToken), 'X-API-Key': key.key };
          await callProtected(headers).expect(200);
          expect(await apiKeys().revoke(a.tenant, key.prefix)).toBe(true);
          clearCache();
          return headers;
        },
      ],
      [
        'the JWT of a user disabled since',
        async () => {
          const user = await users().create(a.tenant, `soon-disabled-${Date.now()}`);
          const token = await issueToken(testApp, { ...a, ...user });
          await callProtected(apiHeaders(a, token)).expect(200);
          await testApp.dataSource.query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [
            claimsOf(token).sub,
          ]);
          clearCache();
          return apiHeaders(a, token);
        },
      ],
    ];

    it.each(forgeries)('answers 401 to %s', async (_label, headersFor) => {
      expectUnauthorized(await callProtected(await headersFor()));
    });

    it('refuses a token from its expiry on, though it was let through moments before', async () => {
      const { sub, tid } = claimsOf(aToken);
      const expiresAt = Math.floor(Date.now() / 1000) + 2;
      const headers = apiHeaders(a, signToken({ sub, tid, exp: expiresAt }));
      await callProtected(headers).expect(200);
      await new Promise((done) => setTimeout(done, expiresAt * 1000 - Date.now() + 50));
      expectUnauthorized(await callProtected(headers));
    });

    it('gives the same 401 body whichever part failed, with no challenge header', async () => {
      const responses: Response[] = [];
      for (const [, headersFor] of forgeries)
        responses.push(await callProtected(await headersFor()));
      expect(new Set(responses.map((response) => response.status))).toEqual(new Set([401]));
      expect(new Set(responses.map((response) => response.text))).toEqual(
        new Set([JSON.stringify(UNAUTHORIZED)]),
      );
      expect(responses.filter((response) => response.headers['www-authenticate'])).toEqual([]);
    });
  });

  describe('northbound HTTP Basic', () => {
    it('lets a northbound credential through as its tenant', async () => {
      const response = await testApp.http
        .get(NORTHBOUND_PATH)
        .auth(a.northbound.username, a.northbound.password)
        .expect(200);
      expect(response.body).toEqual({
        success: true,
        data: { tenantId: aId, credentialId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
        meta: {},
      });
    });

    it('refuses a wrong password with a Basic challenge', async () => {
      const response = await testApp.http
        .get(NORTHBOUND_PATH)
        .auth(a.northbound.username, `${a.northbound.password}x`);
      expectUnauthorized(response, NORTHBOUND_CHALLENGE);
    });

    it('refuses an unknown username', async () => {
      const response = await testApp.http
        .get(NORTHBOUND_PATH)
        .auth('nb_0000000000000000', a.northbound.password);
      expectUnauthorized(response, NORTHBOUND_CHALLENGE);
    });

    it("refuses one tenant's username with another's password", async () => {
      const response = await testApp.http
        .get(NORTHBOUND_PATH)
        .auth(a.northbound.username, b.northbound.password);
      expectUnauthorized(response, NORTHBOUND_CHALLENGE);
    });

    it('refuses a revoked credential', async () => {
      const credential = await northboundCredentials().create(a.tenant, 'soon revoked');
      const call = () =>
        testApp.http.get(NORTHBOUND_PATH).auth(credential.username, credential.password);
      await call().expect(200);
      expect(await northboundCredentials().revoke(a.tenant, credential.username)).toBe(true);
      clearCache();
      expectUnauthorized(await call(), NORTHBOUND_CHALLENGE);
    });

    it('refuses a request without credentials, and a Bearer token', async () => {
      expectUnauthorized(await testApp.http.get(NORTHBOUND_PATH), NORTHBOUND_CHALLENGE);
      expectUnauthorized(
        await testApp.http.get(NORTHBOUND_PATH).set('Authorization', `Bearer ${aToken}`),
        NORTHBOUND_CHALLENGE,
      );
    });

    it('does not accept the Twilio credentials of the same tenant', async () => {
      const response = await testApp.http.get(NORTHBOUND_PATH).auth(a.accountSid, a.authToken);
      expectUnauthorized(response, NORTHBOUND_CHALLENGE);
    });
  });

  describe('Twilio-compatible HTTP Basic (Account SID + auth token)', () => {
    it('lets the Account SID and auth token through as their tenant', async () => {
      const response = await testApp.http
        .get(TWILIO_PATH)
        .auth(a.accountSid, a.authToken)
        .expect(200);
      expect(response.body).toEqual({
        success: true,
        data: { tenantId: aId, credentialId: a.accountSid },
        meta: {},
      });
    });

    it('refuses a wrong auth token with the Twilio challenge', async () => {
      const response = await testApp.http.get(TWILIO_PATH).auth(
        a.accountSid,
        a.authToken.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
      );
      expectUnauthorized(response, TWILIO_CHALLENGE);
    });

    it("refuses another tenant's Account SID with this tenant's token", async () => {
      const response = await testApp.http.get(TWILIO_PATH).auth(b.accountSid, a.authToken);
      expectUnauthorized(response, TWILIO_CHALLENGE);
    });

    it('refuses a request without credentials', async () => {
      expectUnauthorized(await testApp.http.get(TWILIO_PATH), TWILIO_CHALLENGE);
    });

    it('does not accept northbound credentials', async () => {
      const response = await testApp.http
        .get(TWILIO_PATH)
        .auth(a.northbound.username, a.northbound.password);
      expectUnauthorized(response, TWILIO_CHALLENGE);
    });
  });

  describe('tenant isolation', () => {
    it("resolves each tenant's credentials to that tenant only, under every scheme", async () => {
      expect(aId).not.toBe(bId);
      for (const [tenant, id, token] of [
        [a, aId, aToken],
        [b, bId, bToken],
      ] as const) {
        const dual = await callProtected(apiHeaders(tenant, token)).expect(200);
        const northbound = await testApp.http
          .get(NORTHBOUND_PATH)
          .auth(tenant.northbound.username, tenant.northbound.password)
          .expect(200);
        const twilio = await testApp.http
          .get(TWILIO_PATH)
          .auth(tenant.accountSid, tenant.authToken)
          .expect(200);
        for (const response of [dual, northbound, twilio]) {
          expect((response.body as { data: { tenantId: string } }).data.tenantId).toBe(id);
        }
        expect(claimsOf(token).tid).toBe(id);
      }
    });

    it('gives each tenant its own distinct credentials', () => {
      expect(a.tenant).not.toBe(b.tenant);
      expect(a.apiKey).not.toBe(b.apiKey);
      expect(a.password).not.toBe(b.password);
      expect(a.northbound.username).not.toBe(b.northbound.username);
      expect(a.accountSid).not.toBe(b.accountSid);
      expect(a.authToken).not.toBe(b.authToken);
    });
  });
});

describe('auth with the credential cache off (AUTH_CACHE_TTL=0)', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp({
      extraControllers: [ProbeController],
      env: { AUTH_CACHE_TTL: '0' },
    });
  });
  afterAll(() => testApp.close());

  it('honours an API key revocation at once', async () => {
    const tenant = await createTenant(testApp);
    const headers = apiHeaders(tenant, await issueToken(testApp, tenant));
    await testApp.http.get(PROBE_PATH).set(headers).expect(200);
    expect(await testApp.app.get(ApiKeysService).revoke(tenant.tenant, tenant.apiKey)).toBe(true);
    const response = await testApp.http.get(PROBE_PATH).set(headers);
    expect(response.status).toBe(401);
    expect(response.body).toEqual(UNAUTHORIZED);
  });

  it('honours a northbound revocation at once', async () => {
    const tenant = await createTenant(testApp);
    const call = () =>
      testApp.http
        .get(`${PROBE_PATH}/northbound`)
        .auth(tenant.northbound.username, tenant.northbound.password);
    await call().expect(200);
    await testApp.app
      .get(NorthboundCredentialsService)
      .revoke(tenant.tenant, tenant.northbound.username);
    const response = await call();
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(NORTHBOUND_CHALLENGE);
  });
});

describe('auth with a short credential cache (AUTH_CACHE_TTL=3)', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp({
      extraControllers: [ProbeController],
      env: { AUTH_CACHE_TTL: '3' },
    });
  });
  afterAll(() => testApp.close());

  const sleepUntil = (at: number) =>
    new Promise((done) => setTimeout(done, Math.max(0, at - Date.now())));

  it('lets a revocation reach a principal remembered late in its key’s cache life within the TTL', async () => {
    const tenant = await createTenant(testApp);
    const { sub, tid } = claimsOf(await issueToken(testApp, tenant));
    // The API key's verification is cached by this call, for 3 s from some time before `cached`.
    await testApp.http
      .get(PROBE_PATH)
      .set(apiHeaders(tenant, signToken({ sub, tid })))
      .expect(200);
    const cached = Date.now();
    // Two seconds on, another token with the same key: a principal resting on that cached entry.
    await sleepUntil(cached + 2000);
    const later = apiHeaders(
      tenant,
      signToken({ sub, tid, exp: Math.floor(Date.now() / 1000) + 900 }),
    );
    await testApp.http.get(PROBE_PATH).set(later).expect(200);
    expect(await testApp.app.get(ApiKeysService).revoke(tenant.tenant, tenant.apiKey)).toBe(true);
    // Past the key entry's life, not the principal's own 3 s: the key is checked again.
    await sleepUntil(cached + 3500);
    const response = await testApp.http.get(PROBE_PATH).set(later);
    expect(response.status).toBe(401);
    expect(response.body).toEqual(UNAUTHORIZED);
  });
});

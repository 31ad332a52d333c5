import { JwtService } from '@nestjs/jwt';
import { CredentialVerifier } from '../../src/auth/credential-verifier.service';
import { NorthboundCredentialEntity } from '../../src/auth/entities/northbound-credential.entity';
import { TenantEntity } from '../../src/auth/entities/tenant.entity';
import { sha256 } from '../../src/auth/secrets';
import type { TenantCredentials } from '../../src/auth/tenants.service';
import { trackerMessage } from '../factories/northbound.factory';
import { apiHeaders, createTenant, issueToken } from '../factories/tenant.factory';
import { claimsOf, signToken } from '../factories/token.factory';
import { UNAUTHORIZED } from '../utils/api-envelope';
import { PROBE_PATH, ProbeController } from '../utils/probe.controller';
import { TEST_JWT_SECRET, createTestApp, type TestApp } from '../utils/test-app';

const NORTHBOUND_PROBE = `${PROBE_PATH}/northbound`;
const TWILIO_PROBE = `${PROBE_PATH}/twilio`;
const NORTHBOUND_CHALLENGE = 'Basic realm="northbound"';
const TWILIO_CHALLENGE = 'Basic realm="Twilio API"';
/** A password of the kind RFC 7617 allows; a parser splitting at every colon would cut it short. */
const COLON_PASSWORD = 'first:second:third';

const basic = (userId: string, password: string) =>
  `Basic ${Buffer.from(`${userId}:${password}`).toString('base64')}`;

describe('credential hardening', () => {
  let testApp: TestApp;
  let tenant: TenantCredentials;

  beforeAll(async () => {
    testApp = await createTestApp({ extraControllers: [ProbeController] });
    tenant = await createTenant(testApp, 'Credentials Fleet');
  });
  afterAll(() => testApp.close());

  describe('token issue refuses usernames no user can have', () => {
    it.each([
      ['NUL', 'admin\u0000'],
      ['a C0 control character', 'ad\u0001min'],
      ['a C1 control character', 'admin\u0085'],
      ['a lone surrogate', 'admin\uD800'],
    ])('with %s: 400 VALIDATION_ERROR naming username', async (_label, username) => {
      const response = await testApp.http
        .post('/apidev/v1/auth/token')
        .set({ 'X-API-Key': tenant.apiKey, tenant: tenant.tenant })
        .send({ username, password: tenant.password });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        success: false,
        error: {
          code: 'VALIDATION_ERROR',
          message: 'The request is invalid',
          details: [{ field: 'username', message: 'username must not contain control characters' }],
        },
        meta: {},
      });
    });
  });

  it('token issue refuses the password followed by NUL with 401, though scrypt derives the same hash', async () => {
    const response = await testApp.http
      .post('/apidev/v1/auth/token')
      .set({ 'X-API-Key': tenant.apiKey, tenant: tenant.tenant })
      .send({ username: tenant.username, password: `${tenant.password}\u0000` });
    expect(response.status).toBe(401);
    expect(response.body).toEqual(UNAUTHORIZED);
  });

  describe('HTTP Basic follows RFC 7617: the user-id ends at the first colon', () => {
    /** A tenant whose Basic passwords hold colons, as an operator might set them. */
    let colons: TenantCredentials;

    beforeAll(async () => {
      colons = await createTenant(testApp, 'Colon Fleet');
      await testApp.dataSource
        .getRepository(NorthboundCredentialEntity)
        .update({ username: colons.northbound.username }, { passwordHash: sha256(COLON_PASSWORD) });
      await testApp.dataSource
        .getRepository(TenantEntity)
        .update({ slug: colons.tenant }, { authTokenHash: sha256(COLON_PASSWORD) });
      testApp.app.get(CredentialVerifier).clearCache();
    });

    type Credentials = (tenant: TenantCredentials) => [userId: string, password: string];
    /** Each Basic scheme: its route, its challenge, and a tenant's (generated) credentials. */
    const schemes: [string, string, string, Credentials][] = [
      [
        'northbound',
        NORTHBOUND_PROBE,
        NORTHBOUND_CHALLENGE,
        (t) => [t.northbound.username, t.northbound.password],
      ],
      ['Twilio', TWILIO_PROBE, TWILIO_CHALLENGE, (t) => [t.accountSid, t.authToken]],
    ];

    describe.each(schemes)('%s credentials', (_label, path, challenge, credentialsOf) => {
      const call = (authorization?: string) => {
        const request = testApp.http.get(path);
        return authorization === undefined ? request : request.set('Authorization', authorization);
      };
      const expectRefused = async (authorization?: string) => {
        const response = await call(authorization);
        expect(response.status).toBe(401);
        expect(response.body).toEqual(UNAUTHORIZED);
        expect(response.headers['www-authenticate']).toBe(challenge);
      };

      it('accept a password holding colons, under any case of the scheme', async () => {
        const header = basic(credentialsOf(colons)[0], COLON_PASSWORD);
        await call(header).expect(200);
        await call(header.replace('Basic', 'basic')).expect(200);
        await call(header.replace('Basic', 'BASIC')).expect(200);
      });

      it('refuse the real password followed by a colon and anything', async () => {
        const [userId, password] = credentialsOf(tenant);
        await call(basic(userId, password)).expect(200);
        await expectRefused(basic(userId, `${password}:anything`));
        await expectRefused(basic(credentialsOf(colons)[0], `${COLON_PASSWORD}:anything`));
      });

      it.each([
        ['no header', undefined],
        ['the scheme alone', 'Basic'],
        ['another scheme', `Bearer ${Buffer.from('a:b').toString('base64')}`],
        ['a token that is not base64', 'Basic !!!!'],
        ['two tokens', `Basic ${Buffer.from('a:b').toString('base64')} x`],
        ['no colon', `Basic ${Buffer.from('userwithoutpassword').toString('base64')}`],
        ['an empty user-id', basic('', COLON_PASSWORD)],
        ['an empty password', basic('user', '')],
        ['a NUL in the user-id', basic('user\u0000', COLON_PASSWORD)],
        ['a control character in the password', basic('user', `${COLON_PASSWORD}\u0007`)],
      ])('refuse a malformed header (%s) with 401 and the challenge', async (_case, header) => {
        await expectRefused(header);
      });
    });

    it('applies to the Asset Tracker route itself (POST /data)', async () => {
      const send = ([userId, password]: [string, string]) =>
        testApp.http.post('/data').auth(userId, password).send(trackerMessage());
      const { username, password } = tenant.northbound;
      expect((await send([colons.northbound.username, COLON_PASSWORD])).status).toBe(200);
      const refused = await send([username, `${password}:anything`]);
      expect(refused.status).toBe(401);
      expect(refused.headers['www-authenticate']).toBe(NORTHBOUND_CHALLENGE);
    });
  });

  describe('JWT expiry is required', () => {
    it('refuses a token without exp, though it is otherwise what the server would accept', async () => {
      const { sub, tid } = claimsOf(await issueToken(testApp, tenant));
      const call = (token: string) => testApp.http.get(PROBE_PATH).set(apiHeaders(tenant, token));
      await call(signToken({ sub, tid })).expect(200);

      const forever = new JwtService({ secret: TEST_JWT_SECRET }).sign(
        { sub, tid, iat: Math.floor(Date.now() / 1000) },
        { algorithm: 'HS256' },
      );
      expect(claimsOf(forever).exp).toBeUndefined();
      const response = await call(forever);
      expect(response.status).toBe(401);
      expect(response.body).toEqual(UNAUTHORIZED);
    });
  });
});

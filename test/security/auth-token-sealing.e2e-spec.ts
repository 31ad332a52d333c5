import { randomBytes } from 'node:crypto';
import { TenantEntity } from '../../src/auth/entities/tenant.entity';
import { sealSecret } from '../../src/auth/sealed-secret';
import { TenantAuthTokens } from '../../src/auth/tenant-auth-tokens.service';
import type { TenantCredentials } from '../../src/auth/tenants.service';
import { CallbackSender } from '../../src/twilio/callbacks/callback-sender';
import { CallbackDeliveryEntity } from '../../src/twilio/entities/callback-delivery.entity';
import { createTenant, tenantIdOf } from '../factories/tenant.factory';
import { startCallbackReceiver } from '../utils/callback-receiver';
import { PROBE_PATH, ProbeController } from '../utils/probe.controller';
import { createTestApp, type TestApp } from '../utils/test-app';
import { waitFor } from '../utils/wait';

const TWILIO_PROBE = `${PROBE_PATH}/twilio`;

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/**
 * The auth token signs a tenant's callbacks, so FleetHub keeps it sealed (AES-256-GCM under
 * SECRETS_ENCRYPTION_KEY) beside its hash: never in clear, written at creation, or for tenants
 * created before, at their first successful Basic authentication on a Twilio route.
 */
describe('the sealed copy of a tenant’s auth token', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({
      extraControllers: [ProbeController],
      env: { CALLBACKS_ALLOW_PRIVATE: 'true' },
    });
  });
  afterAll(() => testApp.close());

  const tenants = () => testApp.dataSource.getRepository(TenantEntity);
  const sealedOf = async (id: string) => (await tenants().findOneByOrFail({ id })).authTokenSealed;
  const authTokenOf = (id: string) => testApp.app.get(TenantAuthTokens).authTokenOf(id);

  /** A tenant as one created before the sealed copy existed: its hash only. */
  async function tenantWithoutCopy(): Promise<{ credentials: TenantCredentials; id: string }> {
    const credentials = await createTenant(testApp);
    const id = await tenantIdOf(testApp, credentials.tenant);
    await tenants().update({ id }, { authTokenSealed: null });
    return { credentials, id };
  }

  it('is written when a tenant is created, opens to its auth token, and never holds it in clear', async () => {
    const credentials = await createTenant(testApp);
    const id = await tenantIdOf(testApp, credentials.tenant);
    const sealed = await sealedOf(id);
    expect(sealed).toBeInstanceOf(Buffer);
    expect(sealed!.includes(Buffer.from(credentials.authToken))).toBe(false);
    expect(sealed!.toString('latin1')).not.toContain(credentials.authToken);
    await expect(authTokenOf(id)).resolves.toBe(credentials.authToken);
  });

  it('is written for a tenant without one at its first successful Basic authentication, not at a failed one', async () => {
    const { credentials, id } = await tenantWithoutCopy();
    await expect(authTokenOf(id)).resolves.toBeUndefined();

    await testApp.http
      .get(TWILIO_PROBE)
      .set('Authorization', basic(credentials.accountSid, '0'.repeat(32)))
      .expect(401);
    expect(await sealedOf(id)).toBeNull();

    await testApp.http
      .get(TWILIO_PROBE)
      .set('Authorization', basic(credentials.accountSid, credentials.authToken))
      .expect(200);
    await expect(authTokenOf(id)).resolves.toBe(credentials.authToken);
  });

  it('is replaced at the next authentication when it no longer opens (SECRETS_ENCRYPTION_KEY changed)', async () => {
    const credentials = await createTenant(testApp);
    const id = await tenantIdOf(testApp, credentials.tenant);
    const underOldKey = sealSecret(
      randomBytes(32),
      `tenant:${id}:auth-token`,
      credentials.authToken,
    );
    await tenants().update({ id }, { authTokenSealed: underOldKey });
    await expect(authTokenOf(id)).resolves.toBeUndefined();

    await testApp.http
      .get(TWILIO_PROBE)
      .set('Authorization', basic(credentials.accountSid, credentials.authToken))
      .expect(200);
    expect((await sealedOf(id))!.equals(underOldKey)).toBe(false);
    await expect(authTokenOf(id)).resolves.toBe(credentials.authToken);
  });

  it('does not open on another tenant’s row', async () => {
    const a = await createTenant(testApp);
    const b = await createTenant(testApp);
    const [idA, idB] = [await tenantIdOf(testApp, a.tenant), await tenantIdOf(testApp, b.tenant)];
    await tenants().update({ id: idB }, { authTokenSealed: await sealedOf(idA) });
    await expect(authTokenOf(idB)).resolves.toBeUndefined();
  });

  it('is required to send a callback: without it, the callback is given up, never sent unsigned', async () => {
    const { id } = await tenantWithoutCopy();
    const receiver = await startCallbackReceiver();
    try {
      const deliveryId = await testApp.app.get(CallbackSender).schedule({
        tenantId: id,
        url: `${receiver.baseUrl}/status`,
        method: 'POST',
        params: { Status: 'ready' },
        about: `DE${randomBytes(16).toString('hex')}`,
      });
      const repository = testApp.dataSource.getRepository(CallbackDeliveryEntity);
      const delivery = await waitFor(
        () => repository.findOneByOrFail({ id: deliveryId }),
        (row) => row.state !== 'pending',
      );
      expect(delivery).toMatchObject({
        state: 'given_up',
        attempts: 1,
        lastError: 'AuthTokenUnavailable',
      });
      expect(receiver.received).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});

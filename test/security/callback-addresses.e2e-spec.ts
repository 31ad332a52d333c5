import { randomBytes } from 'node:crypto';
import { CallbackSender } from '../../src/twilio/callbacks/callback-sender';
import { CallbackDeliveryEntity } from '../../src/twilio/entities/callback-delivery.entity';
import { createTenant, tenantIdOf } from '../factories/tenant.factory';
import { startCallbackReceiver, type CallbackReceiver } from '../utils/callback-receiver';
import { createTestApp, type TestApp } from '../utils/test-app';
import { waitFor } from '../utils/wait';

/**
 * Outbound callbacks must not become a way into FleetHub's own network (SSRF): by default a
 * callback whose host is, or resolves to, a loopback, private, link-local or otherwise non-public
 * address is refused when it connects, recorded as given up, and not retried.
 */
describe('callbacks to non-public addresses (CALLBACKS_ALLOW_PRIVATE unset)', () => {
  let testApp: TestApp;
  let tenantId: string;
  let receiver: CallbackReceiver;

  beforeAll(async () => {
    // Retries that would come at once, had the refusal been retryable.
    testApp = await createTestApp({
      env: { CALLBACK_MAX_ATTEMPTS: '3', CALLBACK_RETRY_DELAY_MS: '20' },
    });
    tenantId = await tenantIdOf(testApp, (await createTenant(testApp)).tenant);
    receiver = await startCallbackReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await testApp.close();
  });

  it('is the default', () => {
    expect(testApp.config.callbacks.allowPrivate).toBe(false);
  });

  const port = () => new URL(receiver.baseUrl).port;

  it.each([
    ['a hostname that resolves to 127.0.0.1', () => `http://localhost:${port()}/status`],
    ['a literal loopback address', () => `http://127.0.0.1:${port()}/status`],
    ['loopback in IPv4 shorthand', () => `http://127.1:${port()}/status`],
    ['loopback as one decimal number', () => `http://2130706433:${port()}/status`],
    ['loopback in IPv4-mapped IPv6 form', () => `http://[::ffff:127.0.0.1]:${port()}/status`],
    ['IPv6 loopback', () => `http://[::1]:${port()}/status`],
    ['the unspecified address (this host)', () => `http://0.0.0.0:${port()}/status`],
    ['a private address', () => 'http://10.0.0.1/status'],
    ['a carrier-grade NAT address', () => 'http://100.64.0.1/status'],
    ['the link-local metadata address', () => 'http://169.254.169.254/latest/meta-data'],
    ['a unique-local IPv6 address', () => 'https://[fd00::1]/status'],
  ])('refuses %s, records it given up after one attempt, and sends nothing', async (_, url) => {
    const id = await testApp.app.get(CallbackSender).schedule({
      tenantId,
      url: url(),
      method: 'POST',
      params: { Status: 'ready' },
      about: `DE${randomBytes(16).toString('hex')}`,
    });
    const repository = testApp.dataSource.getRepository(CallbackDeliveryEntity);
    const delivery = await waitFor(
      () => repository.findOneByOrFail({ id }),
      (row) => row.state !== 'pending',
    );
    expect(delivery).toMatchObject({
      state: 'given_up',
      attempts: 1,
      lastStatus: null,
      lastError: 'ForbiddenAddress',
    });
    expect(receiver.received).toEqual([]);
  });
});

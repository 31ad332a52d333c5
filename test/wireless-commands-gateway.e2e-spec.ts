import { createHmac } from 'node:crypto';
import type { TenantCredentials } from '../src/auth/tenants.service';
import { CallbackDeliveryEntity } from '../src/twilio/entities/callback-delivery.entity';
import { createTenant, tenantIdOf } from './factories/tenant.factory';
import { insertActiveSim, insertSim } from './factories/wireless.factory';
import { startCallbackReceiver, type CallbackReceiver } from './utils/callback-receiver';
import { listeningUrl } from './utils/listening-url';
import { rawRequest } from './utils/raw-http';
import { createTestApp, type TestApp } from './utils/test-app';
import { describeWithRedis } from './utils/test-database';
import { twilioClient, type TwilioClient, type TwilioExchange } from './utils/twilio-client';
import { twilioAnswerProblems } from './utils/twilio-schema';
import { waitFor } from './utils/wait';

const SECRET = 'the-gateway-secret-of-the-e2e-suite!';

/** The gateway's signature, computed as its documentation says (not with FleetHub's code). */
function signed(body: string, secret = SECRET, timestamp = Math.floor(Date.now() / 1000)) {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return {
    'Content-Type': 'application/json',
    'X-FleetHub-Timestamp': String(timestamp),
    'X-FleetHub-Signature': `sha256=${digest}`,
  };
}

describeWithRedis('Wireless Commands through the HTTP gateway', () => {
  let testApp: TestApp;
  /** A local HTTP server standing for the gateway: it records each request. */
  let gateway: CallbackReceiver;
  /** What the gateway answers to each request, by index; 200 unless set. */
  const answers = new Map<number, number>();
  let tenant: TenantCredentials;
  let tenantId: string;
  let client: TwilioClient;
  let exchanges: TwilioExchange[];

  beforeAll(async () => {
    gateway = await startCallbackReceiver((_request, index) => answers.get(index) ?? 200);
    testApp = await createTestApp({
      env: {
        COMMANDS_HTTP_GATEWAY_URL: `${gateway.baseUrl}/commands`,
        COMMANDS_HTTP_GATEWAY_SECRET: SECRET,
      },
    });
    tenant = await createTenant(testApp);
    tenantId = await tenantIdOf(testApp, tenant.tenant);
    ({ client, exchanges } = await twilioClient(testApp, tenant));
  });
  afterAll(async () => {
    await testApp?.close();
    await gateway?.close();
  });
  // Every answer the client received, held to Twilio's spec.
  afterEach(() => {
    const answers = exchanges.splice(0);
    expect(answers.flatMap((answer) => twilioAnswerProblems('wireless', answer))).toEqual([]);
  });

  /** Posts `document` to an inbound route, signed unless `headers` says otherwise. */
  function postBack(
    route: string,
    document: object,
    headers: Record<string, string> = signed(JSON.stringify(document)),
  ) {
    return testApp.http
      .post(`/wireless/gateway/${route}`)
      .set(headers)
      .send(JSON.stringify(document));
  }

  /** The next request the gateway receives, from `from` on. */
  const gatewayRequest = (from: number) =>
    waitFor(
      () => Promise.resolve(gateway.received[from]),
      (request) => request !== undefined,
    );

  const status = (sid: string) =>
    waitFor(
      () => client.wireless.v1.commands(sid).fetch(),
      () => true,
    );

  it('posts each Command signed, marks it sent at the 2xx, and delivered at the signed receipt', async () => {
    const sim = await insertActiveSim(testApp, tenantId);
    const next = gateway.received.length;
    const command = await client.wireless.v1.commands.create({
      command: 'open valve',
      sim: sim.sid,
      includeSid: 'end',
      // A private address: each callback is recorded, and refused (CALLBACKS_ALLOW_PRIVATE unset).
      callbackUrl: 'http://127.0.0.1:9/status',
    });
    expect(command.transport).toBe('sms');

    const request = await gatewayRequest(next);
    expect(request).toMatchObject({ method: 'POST', path: '/commands' });
    expect(request.headers['content-type']).toBe('application/json');
    const timestamp = String(request.headers['x-fleethub-timestamp']);
    expect(request.headers['x-fleethub-signature']).toBe(
      signed(request.body, SECRET, Number(timestamp))['X-FleetHub-Signature'],
    );
    expect(JSON.parse(request.body)).toEqual({
      command_sid: command.sid,
      account_sid: tenant.accountSid,
      sim_sid: sim.sid,
      iccid: sim.iccid,
      command_mode: 'text',
      payload: `open valve ${command.sid}`,
      delivery_receipt_requested: true,
    });
    expect(
      (
        await waitFor(
          () => status(command.sid),
          ({ status }) => status === 'sent',
        )
      ).status,
    ).toBe('sent');

    const receipt = { command_sid: command.sid, status: 'delivered' };
    const answer = await postBack('receipts', receipt);
    expect({ status: answer.status, body: answer.body as unknown }).toEqual({
      status: 200,
      body: receipt,
    });
    expect((await status(command.sid)).status).toBe('delivered');
    // Sent again (the gateway unsure it got through): the same answer, nothing changes.
    expect((await postBack('receipts', receipt)).body).toEqual(receipt);
    const failedLate = await postBack('receipts', { command_sid: command.sid, status: 'failed' });
    expect(failedLate.body).toEqual(receipt);
    expect((await status(command.sid)).status).toBe('delivered');
    // One callback for each change (sent, delivered), none for the receipts that changed nothing.
    const callbacks = testApp.dataSource.getRepository(CallbackDeliveryEntity);
    expect(await callbacks.countBy({ about: command.sid })).toBe(2);
  });

  it('sends a binary Command as base64; a receipt for a Command that asked none leaves it sent', async () => {
    const sim = await insertActiveSim(testApp, tenantId);
    const bytes = Buffer.from([0x10, 0x00, 0xff]);
    const next = gateway.received.length;
    const command = await client.wireless.v1.commands.create({
      command: bytes.toString('base64'),
      sim: sim.sid,
      commandMode: 'binary',
      deliveryReceiptRequested: false,
    });

    const document = JSON.parse((await gatewayRequest(next)).body) as Record<string, unknown>;
    expect(document).toMatchObject({
      command_mode: 'binary',
      payload: bytes.toString('base64'),
      delivery_receipt_requested: false,
    });
    await waitFor(
      () => status(command.sid),
      ({ status }) => status === 'sent',
    );
    const answer = await postBack('receipts', { command_sid: command.sid, status: 'delivered' });
    expect(answer.body).toEqual({ command_sid: command.sid, status: 'sent' });
  });

  it('tries again after a 5xx; a 4xx fails the Command at once; a failure receipt fails it', async () => {
    const sim = await insertActiveSim(testApp, tenantId);
    let next = gateway.received.length;
    answers.set(next, 503);
    const retried = await client.wireless.v1.commands.create({
      command: 'once more',
      sim: sim.sid,
    });
    expect(
      (
        await waitFor(
          () => status(retried.sid),
          ({ status }) => status === 'sent',
        )
      ).status,
    ).toBe('sent');
    expect(gateway.received.slice(next).map(({ body }) => JSON.parse(body) as unknown)).toEqual([
      expect.objectContaining({ command_sid: retried.sid }),
      expect.objectContaining({ command_sid: retried.sid }),
    ]);

    next = gateway.received.length;
    answers.set(next, 422);
    const refused = await client.wireless.v1.commands.create({ command: 'never', sim: sim.sid });
    expect(
      (
        await waitFor(
          () => status(refused.sid),
          ({ status }) => status === 'failed',
        )
      ).status,
    ).toBe('failed');
    expect(gateway.received.length).toBe(next + 1);

    next = gateway.received.length;
    const lost = await client.wireless.v1.commands.create({ command: 'lost', sim: sim.sid });
    await waitFor(
      () => status(lost.sid),
      ({ status }) => status === 'sent',
    );
    const answer = await postBack('receipts', { command_sid: lost.sid, status: 'failed' });
    expect(answer.body).toEqual({ command_sid: lost.sid, status: 'failed' });
    expect((await status(lost.sid)).status).toBe('failed');
  });

  it('refuses what is not signed with the secret, fresh, over these very bytes', async () => {
    const sim = await insertActiveSim(testApp, tenantId);
    const next = gateway.received.length;
    const command = await client.wireless.v1.commands.create({ command: 'x', sim: sim.sid });
    await gatewayRequest(next);
    const receipt = { command_sid: command.sid, status: 'delivered' };
    const body = JSON.stringify(receipt);
    const unauthorized = { status: 401, code: 20003 };
    const refusal = async (headers: Record<string, string>) => {
      const answer = await postBack('receipts', receipt, headers);
      return { status: answer.status, code: (answer.body as { code: number }).code };
    };

    expect(await refusal(signed(body, `${SECRET}-not`))).toEqual(unauthorized);
    expect(await refusal(signed(`${body} `))).toEqual(unauthorized);
    expect(await refusal(signed(body, SECRET, Math.floor(Date.now() / 1000) - 301))).toEqual(
      unauthorized,
    );
    expect(await refusal({ 'Content-Type': 'application/json' })).toEqual(unauthorized);
    expect((await status(command.sid)).status).toBe('sent');

    // Unsigned, the body is never waited for: the answer comes though it never arrives.
    const port = Number(new URL(await listeningUrl(testApp)).port);
    const answer = await rawRequest(
      port,
      'POST /wireless/gateway/receipts HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n',
    );
    answer.socket.destroy();
    expect(answer.status).toBe(401);
  });

  it('turns a signed message into a from_sim Command with exactly its text, once per message_id', async () => {
    const sim = await insertActiveSim(testApp, tenantId);
    const message = { iccid: sim.iccid, message_id: 'm-1', payload: 'tank 73% «ok»' };

    const first = await postBack('messages', message);
    expect(first.status).toBe(201);
    const created = first.body as { command_sid: string; sim_sid: string; status: string };
    expect(created).toEqual({
      command_sid: expect.stringMatching(/^DC[0-9a-f]{32}$/) as unknown,
      sim_sid: sim.sid,
      status: 'received',
    });
    const again = await postBack('messages', message);
    expect({ status: again.status, body: again.body as unknown }).toEqual({
      status: 200,
      body: created,
    });

    const binary = Buffer.from([0xde, 0xad, 0xbe, 0xef]);
    await postBack('messages', {
      iccid: sim.iccid,
      message_id: 'm-2',
      payload: binary.toString('base64'),
      command_mode: 'binary',
    }).expect(201);

    const commands = await client.wireless.v1.commands.list({ sim: sim.sid });
    expect(
      commands.map(({ command, commandMode, direction, status }) => ({
        command,
        commandMode,
        direction,
        status,
      })),
    ).toEqual([
      { command: message.payload, commandMode: 'text', direction: 'from_sim', status: 'received' },
      {
        command: binary.toString('base64'),
        commandMode: 'binary',
        direction: 'from_sim',
        status: 'received',
      },
    ]);
    expect(commands[0].sid).toBe(created.command_sid);
  });

  it('answers 404 for an unknown ICCID or Command, 403 for a Sim that may not send, 400 naming a bad field', async () => {
    const suspended = await insertSim(testApp, tenantId, { status: 'suspended' });
    const code = async (route: string, document: object) => {
      const answer = await postBack(route, document);
      return { status: answer.status, code: (answer.body as { code: number }).code };
    };
    expect(await code('messages', { iccid: '0000000000', message_id: 'm', payload: 'x' })).toEqual({
      status: 404,
      code: 33107,
    });
    expect(
      await code('messages', { iccid: suspended.iccid, message_id: 'm', payload: 'x' }),
    ).toEqual({ status: 403, code: 33203 });
    expect(
      await code('receipts', { command_sid: `DC${'0'.repeat(32)}`, status: 'delivered' }),
    ).toEqual({ status: 404, code: 20404 });

    const bad = await postBack('receipts', { command_sid: `DC${'0'.repeat(32)}`, status: 'read' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      code: 20001,
      message:
        'Invalid parameter status: status must be one of the following values: delivered, failed',
    });
    const notBase64 = await postBack('messages', {
      iccid: suspended.iccid,
      message_id: 'm',
      payload: '***',
      command_mode: 'binary',
    });
    expect(notBase64.body).toMatchObject({
      code: 20001,
      message: 'Invalid parameter payload: must be base64 in binary mode',
    });
  });
});

import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import type { MqttClient } from 'mqtt';
import type { TenantCredentials } from '../src/auth/tenants.service';
import { COMMAND_DELIVERY_QUEUE } from '../src/wireless/commands/command-delivery.queue';
import type { SimEntity } from '../src/wireless/entities/sim.entity';
import { createTenant, tenantIdOf } from './factories/tenant.factory';
import { insertActiveSim, insertSim } from './factories/wireless.factory';
import {
  formParams,
  signedWith,
  startCallbackReceiver,
  type CallbackReceiver,
  type ReceivedCallback,
} from './utils/callback-receiver';
import { brokerClient, collect, testBrokerUrl } from './utils/mqtt-broker';
import { createTestApp, type TestApp } from './utils/test-app';
import { describeWithRedis } from './utils/test-database';
import { twilioClient, type TwilioClient, type TwilioExchange } from './utils/twilio-client';
import { twilioAnswerProblems } from './utils/twilio-schema';
import { waitFor } from './utils/wait';

/** Holds every answer the client received (then forgets them) to Twilio's spec. */
function expectTwilioAnswers(exchanges: TwilioExchange[]): void {
  const answers = exchanges.splice(0);
  expect(answers.flatMap((answer) => twilioAnswerProblems('wireless', answer))).toEqual([]);
}

/** Waits until Command `sid` has `status` (or the time is up) and returns its last state. */
function commandReaching(client: TwilioClient, sid: string, status: string) {
  return waitFor(
    () => client.wireless.v1.commands(sid).fetch(),
    (command) => command.status === status,
  );
}

/** The callbacks `receiver` got on `path` once there are `count` of them (or the time is up). */
function callbacksOn(receiver: CallbackReceiver, path: string, count: number) {
  return waitFor(
    () => Promise.resolve(receiver.received.filter((callback) => callback.path === path)),
    (callbacks) => callbacks.length >= count,
  );
}

/** A callback's parameters: a POST's form body, or a GET's query string. */
const paramsOf = (callback: ReceivedCallback) =>
  callback.method === 'GET'
    ? Object.fromEntries(new URL(callback.path, 'http://receiver').searchParams)
    : formParams(callback);

describeWithRedis('Wireless Commands over MQTT', () => {
  let testApp: TestApp;
  let tenant: TenantCredentials;
  let tenantId: string;
  let client: TwilioClient;
  let exchanges: TwilioExchange[];
  let device: MqttClient;
  /** The tenant's server, which the Commands' callbacks reach. */
  let receiver: CallbackReceiver;

  beforeAll(async () => {
    receiver = await startCallbackReceiver();
    testApp = await createTestApp({
      env: { COMMANDS_MQTT_URL: testBrokerUrl(), CALLBACKS_ALLOW_PRIVATE: 'true' },
    });
    tenant = await createTenant(testApp);
    tenantId = await tenantIdOf(testApp, tenant.tenant);
    ({ client, exchanges } = await twilioClient(testApp, tenant));
    device = await brokerClient();
  });
  afterAll(async () => {
    await device?.endAsync();
    await testApp?.close();
    await receiver?.close();
  });
  afterEach(() => expectTwilioAnswers(exchanges));

  it('publishes a text Command, its SID first, at QoS 1 and reaches delivered at the PUBACK', async () => {
    const sim = await insertActiveSim(testApp, tenantId, { uniqueName: 'pump-1' });
    const received = await collect(device, `sims/${sim.iccid}/commands`);

    const created = await client.wireless.v1.commands.create({
      command: 'reboot now',
      sim: 'pump-1',
      includeSid: 'start',
    });
    expect(created).toMatchObject({
      simSid: sim.sid,
      command: 'reboot now',
      commandMode: 'text',
      transport: 'ip',
      direction: 'to_sim',
      status: 'queued',
      deliveryReceiptRequested: true,
    });

    const delivered = await commandReaching(client, created.sid, 'delivered');
    expect(delivered.status).toBe('delivered');
    expect(received.map((payload) => payload.toString())).toEqual([`${created.sid} reboot now`]);
  });

  it("calls the CallbackUrl at each change of the status, signed, with Twilio's parameters", async () => {
    const sim = await insertActiveSim(testApp, tenantId, { uniqueName: 'pump-callbacks' });
    const path = `/status/${sim.sid}`;

    const created = await client.wireless.v1.commands.create({
      command: 'report',
      sim: sim.sid,
      callbackUrl: `${receiver.baseUrl}${path}`,
    });

    const callbacks = await callbacksOn(receiver, path, 2);
    expect(callbacks.every((callback) => signedWith(tenant.authToken, receiver, callback))).toBe(
      true,
    );
    const expected = (status: string) => ({
      AccountSid: tenant.accountSid,
      ApiVersion: 'v1',
      CommandSid: created.sid,
      Command: 'report',
      CommandMode: 'text',
      Direction: 'to_sim',
      SimSid: sim.sid,
      SimUniqueName: 'pump-callbacks',
      Status: status,
    });
    // Each change is its own callback, delivered on its own: in either order.
    expect(callbacks.map(paramsOf).sort((a, b) => a.Status.localeCompare(b.Status))).toEqual([
      expected('delivered'),
      expected('sent'),
    ]);
  });

  it('publishes a binary Command as its decoded bytes; without a receipt requested it stays sent', async () => {
    const sim = await insertActiveSim(testApp, tenantId);
    const received = await collect(device, `sims/${sim.iccid}/commands`);
    const bytes = Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x7f]);

    const created = await client.wireless.v1.commands.create({
      command: bytes.toString('base64'),
      sim: sim.sid,
      commandMode: 'binary',
      deliveryReceiptRequested: false,
    });

    const queue = testApp.app.get<Queue>(getQueueToken(COMMAND_DELIVERY_QUEUE));
    // The job done: the Command has been published and acknowledged, and moved as far as it goes.
    const counts = await waitFor(
      () => queue.getJobCounts(),
      (jobs) => jobs.waiting + jobs.active + jobs.delayed === 0 && received.length > 0,
    );
    expect(counts.failed).toBe(0);
    expect(received).toEqual([bytes]);
    expect((await client.wireless.v1.commands(created.sid).fetch()).status).toBe('sent');
  });

  it('turns a message on sims/<iccid>/commands/from into a from_sim Command with exactly its text', async () => {
    const sim = await insertActiveSim(testApp, tenantId);
    const text = 'temp=21.5 ✓ "door" open';

    await device.publishAsync(`sims/${sim.iccid}/commands/from`, text, { qos: 1 });

    const page = await waitFor(
      () => client.wireless.v1.commands.list({ sim: sim.sid, direction: 'from_sim' }),
      (commands) => commands.length > 0,
    );
    expect(page).toHaveLength(1);
    expect(page[0]).toMatchObject({
      simSid: sim.sid,
      command: text,
      commandMode: 'text',
      direction: 'from_sim',
      status: 'received',
      transport: 'ip',
    });
  });

  it("sends a device's Command to the Sim's CommandsCallbackUrl, with its method", async () => {
    const path = '/from-device';
    const sim = await insertActiveSim(testApp, tenantId, {
      commandsCallbackUrl: `${receiver.baseUrl}${path}?fleet=north`,
      commandsCallbackMethod: 'GET',
    });

    await device.publishAsync(`sims/${sim.iccid}/commands/from`, 'door open', { qos: 1 });

    const [callback] = await waitFor(
      () => Promise.resolve(receiver.received.filter((c) => c.path.startsWith(path))),
      (callbacks) => callbacks.length > 0,
    );
    const [command] = await client.wireless.v1.commands.list({ sim: sim.sid });
    expect(callback.method).toBe('GET');
    expect(signedWith(tenant.authToken, receiver, callback)).toBe(true);
    expect(paramsOf(callback)).toEqual({
      fleet: 'north',
      AccountSid: tenant.accountSid,
      ApiVersion: 'v1',
      CommandSid: command.sid,
      Command: 'door open',
      CommandMode: 'text',
      Direction: 'from_sim',
      SimSid: sim.sid,
      Status: 'received',
    });
  });

  it('keeps device bytes that are not text as a binary Command, and drops what names no usable Sim', async () => {
    const suspended = await insertSim(testApp, tenantId, { status: 'suspended' });
    const sim = await insertActiveSim(testApp, tenantId);
    const bytes = Buffer.from([0xff, 0x00, 0x10]);

    // In order on one subscription: once the last is stored, the first two were handled.
    await device.publishAsync(`sims/${suspended.iccid}/commands/from`, 'from a suspended Sim', {
      qos: 1,
    });
    await device.publishAsync('sims/00000000000000000000/commands/from', 'from nowhere', {
      qos: 1,
    });
    await device.publishAsync(`sims/${sim.iccid}/commands/from`, bytes, { qos: 1 });

    const page = await waitFor(
      () => client.wireless.v1.commands.list({ sim: sim.sid }),
      (commands) => commands.length > 0,
    );
    expect(page.map(({ command, commandMode }) => ({ command, commandMode }))).toEqual([
      { command: bytes.toString('base64'), commandMode: 'binary' },
    ]);
    expect(await client.wireless.v1.commands.list({ sim: suspended.sid })).toEqual([]);
  });

  it('shares the device topic between processes: each message becomes one Command', async () => {
    // A second process of the same installation (same QUEUE_PREFIX, so same shared subscription).
    const worker = await createTestApp({
      databaseUrl: testApp.config.database.url,
      env: {
        COMMANDS_MQTT_URL: testBrokerUrl(),
        QUEUE_PREFIX: testApp.config.queue.prefix,
        ROLE: 'worker',
      },
    });
    try {
      const sim: SimEntity = await insertActiveSim(testApp, tenantId);
      const texts = Array.from({ length: 20 }, (_, index) => `reading ${index}`);
      for (const text of texts) {
        await device.publishAsync(`sims/${sim.iccid}/commands/from`, text, { qos: 1 });
      }

      const page = await waitFor(
        () => client.wireless.v1.commands.list({ sim: sim.sid }),
        (commands) => commands.length >= texts.length,
      );
      expect(page.map(({ command }) => command).sort()).toEqual([...texts].sort());
    } finally {
      await worker.close();
    }
  });
});

describe('Wireless Commands over MQTT, embedded (no Redis)', () => {
  let testApp: TestApp;
  let client: TwilioClient;
  let exchanges: TwilioExchange[];
  let tenantId: string;

  afterEach(async () => {
    expectTwilioAnswers(exchanges);
    await testApp?.close();
  });

  async function start(brokerUrl: string): Promise<void> {
    testApp = await createTestApp({
      redis: false,
      env: { COMMANDS_MQTT_URL: brokerUrl, CALLBACKS_ALLOW_PRIVATE: 'true' },
    });
    const tenant = await createTenant(testApp);
    tenantId = await tenantIdOf(testApp, tenant.tenant);
    ({ client, exchanges } = await twilioClient(testApp, tenant));
  }

  it('delivers the Command before answering', async () => {
    await start(testBrokerUrl());
    const device = await brokerClient();
    try {
      const sim = await insertActiveSim(testApp, tenantId);
      const received = await collect(device, `sims/${sim.iccid}/commands`);

      const created = await client.wireless.v1.commands.create({ command: 'ping', sim: sim.sid });

      expect((await client.wireless.v1.commands(created.sid).fetch()).status).toBe('delivered');
      expect(
        await waitFor(
          () => Promise.resolve(received),
          (all) => all.length > 0,
        ),
      ).toEqual([Buffer.from('ping')]);
    } finally {
      await device.endAsync();
    }
  });

  it('fails a Command it cannot publish (one attempt, no queue to retry it), and says so', async () => {
    // Nothing listens on port 1: the broker is unreachable.
    await start('mqtt://127.0.0.1:1');
    const receiver = await startCallbackReceiver();
    try {
      const sim = await insertActiveSim(testApp, tenantId);

      const created = await client.wireless.v1.commands.create({
        command: 'ping',
        sim: sim.sid,
        callbackUrl: `${receiver.baseUrl}/failed`,
      });

      expect(created.status).toBe('queued');
      expect((await client.wireless.v1.commands(created.sid).fetch()).status).toBe('failed');
      const [callback] = await callbacksOn(receiver, '/failed', 1);
      expect(paramsOf(callback)).toMatchObject({ CommandSid: created.sid, Status: 'failed' });
    } finally {
      await receiver.close();
    }
  });
});

import { randomBytes } from 'node:crypto';
import type { TenantCredentials } from '../src/auth/tenants.service';
import { newSid } from '../src/twilio/sid';
import { CommandEntity } from '../src/wireless/entities/command.entity';
import type { SimEntity } from '../src/wireless/entities/sim.entity';
import { createTenant, tenantIdOf } from './factories/tenant.factory';
import { insertActiveSim, insertRatePlan, insertSim } from './factories/wireless.factory';
import { createTestApp, type TestApp } from './utils/test-app';
import { twilioClient, type TestTwilioClient } from './utils/twilio-client';
import { twilioAnswerProblems } from './utils/twilio-schema';
import { twilioError } from './utils/twilio-answers';

const COMMANDS = '/wireless/v1/Commands';

/** A tenant of the app, with its official client (and every answer the client received). */
interface Account extends TestTwilioClient {
  credentials: TenantCredentials;
  tenantId: string;
}

/** What the client throws for an error answer (a RestException), as the test compares it. */
async function twilioFailure(call: Promise<unknown>) {
  const error = (await call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (failure: unknown) => failure,
  )) as { status: number; code: number; message: string };
  return { status: error.status, code: error.code, message: error.message };
}

/**
 * The Command API without a transport: Commands are created `queued` and stay so, which lets the
 * suite look at the API alone (delivery has the MQTT and gateway suites).
 */
describe('Wireless Commands: the API', () => {
  let testApp: TestApp;
  let alice: Account;
  let bob: Account;
  let aliceSim: SimEntity;

  const accounts: Account[] = [];

  async function account(name: string): Promise<Account> {
    const credentials = await createTenant(testApp, name);
    const created = {
      credentials,
      tenantId: await tenantIdOf(testApp, credentials.tenant),
      ...(await twilioClient(testApp, credentials)),
    };
    accounts.push(created);
    return created;
  }

  /** POSTs a form as `who`, bypassing the client's own checks of required parameters. */
  function post(who: Account, form: Record<string, string>) {
    return testApp.http
      .post(COMMANDS)
      .auth(who.credentials.accountSid, who.credentials.authToken)
      .type('form')
      .send(form);
  }

  beforeAll(async () => {
    testApp = await createTestApp();
    alice = await account('Alice Fleet');
    bob = await account('Bob Fleet');
    aliceSim = await insertActiveSim(testApp, alice.tenantId, { uniqueName: 'alice-pump' });
  });
  afterAll(async () => {
    await testApp?.close();
  });

  // Every answer the clients received, held to Twilio's spec: each field, type and SID pattern.
  afterEach(() => {
    const answers = accounts.flatMap(({ exchanges }) => exchanges.splice(0));
    expect(answers.flatMap((answer) => twilioAnswerProblems('wireless', answer))).toEqual([]);
  });

  it('creates a Command queued, to_sim, addressed by the Sim unique name; fetches and deletes it', async () => {
    const { client, exchanges } = alice;
    const created = await client.wireless.v1.commands.create({
      command: 'reboot',
      sim: 'alice-pump',
      callbackUrl: 'https://example.com/commands',
      callbackMethod: 'GET',
    });
    expect(exchanges.at(-1)?.status).toBe(201);
    expect(created).toMatchObject({
      accountSid: alice.credentials.accountSid,
      simSid: aliceSim.sid,
      command: 'reboot',
      commandMode: 'text',
      transport: 'sms',
      deliveryReceiptRequested: true,
      status: 'queued',
      direction: 'to_sim',
    });
    expect(created.url).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:\\d+${COMMANDS}/${created.sid}$`),
    );

    const fetched = await client.wireless.v1.commands(created.sid).fetch();
    expect(fetched.toJSON()).toEqual(created.toJSON());

    expect(await client.wireless.v1.commands(created.sid).remove()).toBe(true);
    expect(exchanges.at(-1)?.status).toBe(204);
    expect(await twilioFailure(client.wireless.v1.commands(created.sid).fetch())).toEqual({
      status: 404,
      code: 20404,
      message: `The requested resource /Commands/${created.sid} was not found`,
    });
  });

  it('takes binary Commands of at most 140 bytes, and text of at most 160 characters (125 with IncludeSid)', async () => {
    const { client } = alice;
    const binary = await client.wireless.v1.commands.create({
      command: Buffer.alloc(140, 0xab).toString('base64'),
      sim: aliceSim.sid,
      commandMode: 'binary',
      deliveryReceiptRequested: false,
    });
    expect(binary).toMatchObject({ commandMode: 'binary', deliveryReceiptRequested: false });
    await client.wireless.v1.commands.create({ command: '🚚'.repeat(160), sim: aliceSim.sid });
    await client.wireless.v1.commands.create({
      command: 'x'.repeat(125),
      sim: aliceSim.sid,
      includeSid: 'end',
    });

    const invalid = (parameter: string, why: string) => ({
      status: 400,
      code: 20001,
      message: `Invalid parameter ${parameter}: ${why}`,
    });
    const sim = aliceSim.sid;
    expect(
      await twilioFailure(client.wireless.v1.commands.create({ command: 'x'.repeat(161), sim })),
    ).toEqual(invalid('Command', 'must be at most 160 characters (got 161)'));
    expect(
      await twilioFailure(
        client.wireless.v1.commands.create({ command: 'x'.repeat(126), sim, includeSid: 'start' }),
      ),
    ).toEqual(invalid('Command', 'must be at most 125 characters with IncludeSid=start (got 126)'));
    expect(
      await twilioFailure(
        client.wireless.v1.commands.create({ command: 'not base64!', sim, commandMode: 'binary' }),
      ),
    ).toEqual(invalid('Command', 'must be base64 in binary mode'));
    expect(
      await twilioFailure(
        client.wireless.v1.commands.create({
          command: Buffer.alloc(141).toString('base64'),
          sim,
          commandMode: 'binary',
        }),
      ),
    ).toEqual(invalid('Command', 'must encode at most 140 bytes in binary mode (got 141)'));
    expect(
      await twilioFailure(
        client.wireless.v1.commands.create({
          command: 'AAAA',
          sim,
          commandMode: 'binary',
          includeSid: 'start',
        }),
      ),
    ).toEqual(invalid('IncludeSid', 'applies to text Commands only'));
  });

  it('refuses missing and malformed parameters, naming them', async () => {
    const refused = async (form: Record<string, string>) => {
      const answer = await post(alice, form);
      return { status: answer.status, body: answer.body as unknown };
    };
    const refusal = (status: number, code: number, message: string) => ({
      status,
      body: twilioError(status, code, message),
    });
    const sim = aliceSim.sid;

    expect(await refused({ Sim: sim })).toEqual(
      refusal(400, 20001, 'Missing required parameter Command in the post body'),
    );
    expect(await refused({ Command: 'x' })).toEqual(
      refusal(400, 33102, 'Missing required parameter Sim in the post body'),
    );
    expect(await refused({ Command: 'x', Sim: sim, CommandMode: 'hex' })).toEqual(
      refusal(400, 20001, 'Invalid parameter CommandMode: must be one of text, binary'),
    );
    expect(await refused({ Command: 'x', Sim: sim, IncludeSid: 'middle' })).toEqual(
      refusal(400, 20001, 'Invalid parameter IncludeSid: must be one of none, start, end'),
    );
    expect(await refused({ Command: 'x', Sim: sim, CallbackUrl: 'ftp://example.com/x' })).toEqual(
      refusal(400, 20001, 'Invalid parameter CallbackUrl: must be an absolute http or https URL'),
    );
    expect(await refused({ Command: 'x', Sim: sim, DeliveryReceiptRequested: 'yes' })).toEqual(
      refusal(400, 20001, 'Invalid parameter DeliveryReceiptRequested: must be true or false'),
    );
    expect(await refused({ Command: 'line\nbreak', Sim: sim })).toEqual(
      refusal(400, 20001, 'Invalid parameter Command: must not contain control characters'),
    );
    expect(
      await testApp.http.post(COMMANDS).type('form').send({ Command: 'x', Sim: sim }),
    ).toMatchObject({ status: 401, body: { code: 20003 } });
  });

  it('sends only to a ready or active Sim of the tenant, on a plan that allows messaging', async () => {
    const { client } = alice;
    const failure = (sim: string) =>
      twilioFailure(client.wireless.v1.commands.create({ command: 'x', sim }));

    expect(await failure('no-such-sim')).toEqual({
      status: 404,
      code: 33107,
      message: 'SIM not found: no-such-sim',
    });
    const bobsSim = await insertActiveSim(testApp, bob.tenantId, { uniqueName: 'bob-pump' });
    expect(await failure(bobsSim.sid)).toMatchObject({ status: 404, code: 33107 });
    expect(await failure('bob-pump')).toMatchObject({ status: 404, code: 33107 });

    for (const status of ['new', 'suspended', 'deactivated', 'updating'] as const) {
      const sim = await insertSim(testApp, alice.tenantId, { status });
      expect(await failure(sim.sid)).toEqual({
        status: 400,
        code: 33104,
        message: `Configuration incomplete: Sim ${sim.sid} is ${status}, and Commands go to ready or active Sims`,
      });
    }
    const ready = await insertSim(testApp, alice.tenantId, { status: 'ready' });
    await client.wireless.v1.commands.create({ command: 'x', sim: ready.sid });

    const silent = await insertRatePlan(testApp, alice.tenantId, { messagingEnabled: false });
    const onSilentPlan = await insertActiveSim(testApp, alice.tenantId, {
      ratePlanSid: silent.sid,
    });
    expect(await failure(onSilentPlan.sid)).toEqual({
      status: 403,
      code: 33201,
      message: `Unauthorized: the rate plan of Sim ${onSilentPlan.sid} does not allow messaging`,
    });
    const chatty = await insertRatePlan(testApp, alice.tenantId, { messagingEnabled: true });
    const onChattyPlan = await insertActiveSim(testApp, alice.tenantId, {
      ratePlanSid: chatty.sid,
    });
    await client.wireless.v1.commands.create({ command: 'x', sim: onChattyPlan.sid });
  });

  it('queues at most 100 Commands for a Sim (33118); Commands no longer queued make room', async () => {
    const { client } = alice;
    const sim = await insertActiveSim(testApp, alice.tenantId);
    const commands = testApp.dataSource.getRepository(CommandEntity);
    const stored = (status: CommandEntity['status']) =>
      commands.create({
        sid: newSid('DC'),
        tenantId: alice.tenantId,
        simSid: sim.sid,
        command: 'x',
        commandMode: 'text',
        transport: 'sms',
        deliveryReceiptRequested: true,
        status,
        direction: 'to_sim',
      });
    await commands.save([
      ...Array.from({ length: 99 }, () => stored('queued')),
      stored('sent'),
      stored('delivered'),
    ]);

    const hundredth = await client.wireless.v1.commands.create({ command: 'x', sim: sim.sid });
    expect(
      await twilioFailure(client.wireless.v1.commands.create({ command: 'x', sim: sim.sid })),
    ).toEqual({
      status: 400,
      code: 33118,
      message: `Number of Commands exceeded: Sim ${sim.sid} has 100 queued Commands`,
    });
    await client.wireless.v1.commands(hundredth.sid).remove();
    await client.wireless.v1.commands.create({ command: 'x', sim: sim.sid });
  });

  it('lists Commands in pages, oldest first, with every filter', async () => {
    const carol = await account('Carol Fleet');
    const { client, exchanges } = carol;
    const [first, second] = [
      await insertActiveSim(testApp, carol.tenantId, { uniqueName: 'carol-1' }),
      await insertActiveSim(testApp, carol.tenantId),
    ];
    const created = [];
    for (const [index, sim] of [first, second, first, second, first].entries()) {
      created.push(
        await client.wireless.v1.commands.create({ command: `c${index}`, sim: sim.sid }),
      );
    }
    // A device-originated Command, as a transport would store it.
    const fromSim = await testApp.dataSource.getRepository(CommandEntity).save({
      sid: newSid('DC'),
      tenantId: carol.tenantId,
      simSid: second.sid,
      command: 'hello',
      commandMode: 'text',
      transport: 'ip',
      deliveryReceiptRequested: false,
      status: 'received',
      direction: 'from_sim',
    });

    // each() follows next_page_url across the 3 pages.
    const all = await new Promise<string[]>((resolve, reject) => {
      const sids: string[] = [];
      client.wireless.v1.commands.each({
        pageSize: 2,
        callback: (command) => sids.push(command.sid),
        done: (error?: Error) => (error ? reject(error) : resolve(sids)),
      });
    });
    expect(all).toEqual([...created.map(({ sid }) => sid), fromSim.sid]);

    const page = await client.wireless.v1.commands.page({ pageSize: 2, sim: 'carol-1' });
    expect(page.instances.map(({ command }) => command)).toEqual(['c0', 'c2']);
    const meta = (exchanges.at(-1)?.body as { meta: Record<string, unknown> }).meta;
    expect(meta).toMatchObject({ key: 'commands', page: 0, page_size: 2 });
    expect(meta.first_page_url).toMatch(/\/wireless\/v1\/Commands\?Sim=carol-1&PageSize=2&Page=0$/);

    const sids = async (filters: object) =>
      (await client.wireless.v1.commands.list(filters)).map(({ sid }) => sid);
    expect(await sids({ sim: second.sid })).toEqual([created[1].sid, created[3].sid, fromSim.sid]);
    expect(await sids({ direction: 'from_sim' })).toEqual([fromSim.sid]);
    expect(await sids({ status: 'received' })).toEqual([fromSim.sid]);
    expect(await sids({ transport: 'ip' })).toEqual([fromSim.sid]);
    expect(await sids({ status: 'queued', direction: 'to_sim', sim: first.sid })).toEqual([
      created[0].sid,
      created[2].sid,
      created[4].sid,
    ]);
    expect(await sids({ sim: 'no-such-sim' })).toEqual([]);
    expect(await sids({ status: 'failed' })).toEqual([]);
  });

  it('never shows, changes or counts another tenant’s Commands', async () => {
    const aliceCommand = await alice.client.wireless.v1.commands.create({
      command: 'private',
      sim: aliceSim.sid,
    });
    const { client } = bob;
    const notFound = {
      status: 404,
      code: 20404,
      message: `The requested resource /Commands/${aliceCommand.sid} was not found`,
    };
    expect(await twilioFailure(client.wireless.v1.commands(aliceCommand.sid).fetch())).toEqual(
      notFound,
    );
    expect(await twilioFailure(client.wireless.v1.commands(aliceCommand.sid).remove())).toEqual(
      notFound,
    );
    expect((await client.wireless.v1.commands.list()).map(({ sid }) => sid)).not.toContain(
      aliceCommand.sid,
    );
    expect(await client.wireless.v1.commands.list({ sim: aliceSim.sid })).toEqual([]);
    expect(await client.wireless.v1.commands.list({ sim: 'alice-pump' })).toEqual([]);
    expect(
      await twilioFailure(client.wireless.v1.commands.create({ command: 'x', sim: 'alice-pump' })),
    ).toMatchObject({ status: 404, code: 33107 });
    expect((await alice.client.wireless.v1.commands(aliceCommand.sid).fetch()).status).toBe(
      'queued',
    );
  });

  it('answers 404 for what is not a Command SID, and 21481 for a token it never gave', async () => {
    const { client } = alice;
    expect(await twilioFailure(client.wireless.v1.commands('not-a-sid').fetch())).toMatchObject({
      status: 404,
      code: 20404,
    });
    expect(
      await twilioFailure(
        client.wireless.v1.commands.page({ pageToken: `PA${randomBytes(8).toString('hex')}` }),
      ),
    ).toMatchObject({ status: 400, code: 21481 });
    expect(await twilioFailure(client.wireless.v1.commands.page({ pageSize: 1001 }))).toMatchObject(
      { status: 400, code: 20007 },
    );
  });
});

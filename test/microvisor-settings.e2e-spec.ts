import type { TenantCredentials } from '../src/auth/tenants.service';
import type { RegisteredDevice } from '../src/microvisor/device-registration.service';
import { DeviceSettingsService } from '../src/microvisor/settings/device-settings.service';
import { createTenant, tenantIdOf } from './factories/tenant.factory';
import { registerDevice } from './factories/microvisor.factory';
import { listeningUrl } from './utils/listening-url';
import { createTestApp, type TestApp } from './utils/test-app';
import { rejection, twilioError } from './utils/twilio-answers';
import {
  twilioClient,
  type TestTwilioClient,
  type TwilioClient,
  type TwilioExchange,
} from './utils/twilio-client';
import { twilioAnswerProblems } from './utils/twilio-schema';

const V1 = '/microvisor/v1';
const TWILIO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const CHALLENGE = 'Basic realm="Twilio API"';
const KEY_RULE =
  'must start with a letter or digit and hold only letters, digits, ".", "_" and "-"';

/** What the tests use of twilio-node's config and secret instances (their fields, camelCased). */
interface SettingInstance {
  key: string;
  value?: string;
  deviceSid?: string;
  dateUpdated?: Date;
  dateRotated?: Date;
  url: string;
}

interface SettingContext {
  fetch(): Promise<SettingInstance>;
  update(params: { value: string }): Promise<SettingInstance>;
  remove(): Promise<boolean>;
}

/** The list resource of one kind (`accountConfigs`, `devices(sid).deviceSecrets`, ...). */
interface SettingList {
  (key: string): SettingContext;
  create(params: { key: string; value: string }): Promise<SettingInstance>;
  list(options?: { pageSize?: number }): Promise<SettingInstance[]>;
  each(options: {
    pageSize?: number;
    callback: (item: SettingInstance) => void;
    done: (error?: Error) => void;
  }): void;
}

/** One of the four kinds, as the tests reach it. */
interface Kind {
  name: string;
  secret: boolean;
  device: boolean;
  table: string;
  /** The list's path under the mount (`/Configs`, `/Devices/{device}/Secrets`). */
  path(device?: string): string;
  /** The client's list resource; `device` addresses the device (SID or unique name). */
  of(client: TwilioClient, device?: string): SettingList;
}

const KINDS: Kind[] = [
  {
    name: 'account Configs',
    secret: false,
    device: false,
    table: 'microvisor_account_configs',
    path: () => '/Configs',
    of: (client) => client.microvisor.v1.accountConfigs,
  },
  {
    name: 'account Secrets',
    secret: true,
    device: false,
    table: 'microvisor_account_secrets',
    path: () => '/Secrets',
    of: (client) => client.microvisor.v1.accountSecrets,
  },
  {
    name: 'device Configs',
    secret: false,
    device: true,
    table: 'microvisor_device_configs',
    path: (device) => `/Devices/${device}/Configs`,
    of: (client, device) => client.microvisor.v1.devices(device!).deviceConfigs,
  },
  {
    name: 'device Secrets',
    secret: true,
    device: true,
    table: 'microvisor_device_secrets',
    path: (device) => `/Devices/${device}/Secrets`,
    of: (client, device) => client.microvisor.v1.devices(device!).deviceSecrets,
  },
];

describe('Microvisor v1 Configs and Secrets through the official twilio client', () => {
  let testApp: TestApp;
  let origin: string;
  let a: TenantCredentials;
  let b: TenantCredentials;
  let alice: TestTwilioClient;
  let bob: TestTwilioClient;
  /** Alice's device (unique name `thermostat`), another of hers, and Bob's of the same name. */
  let aliceDevice: RegisteredDevice;
  let aliceOtherDevice: RegisteredDevice;
  let bobDevice: RegisteredDevice;
  const rawExchanges: TwilioExchange[] = [];
  /** Every value a secret was given: no answer of any route may hold one. */
  const secretValues = new Set<string>();
  let keyCount = 0;
  /** A key no other test uses. */
  const newKey = (prefix = 'key') => `${prefix}-${++keyCount}`;

  beforeAll(async () => {
    testApp = await createTestApp();
    origin = await listeningUrl(testApp);
    a = await createTenant(testApp, 'Settings A');
    b = await createTenant(testApp, 'Settings B');
    alice = await twilioClient(testApp, a);
    bob = await twilioClient(testApp, b);
    aliceDevice = await registerDevice(testApp, a, 'thermostat');
    aliceOtherDevice = await registerDevice(testApp, a);
    bobDevice = await registerDevice(testApp, b, 'thermostat');
  });
  afterAll(() => testApp.close());

  afterEach(() => {
    const answers = [
      ...alice.exchanges.splice(0),
      ...bob.exchanges.splice(0),
      ...rawExchanges.splice(0),
    ];
    expect(answers.flatMap((answer) => twilioAnswerProblems('microvisor', answer))).toEqual([]);
    const told = answers
      .map((answer) => JSON.stringify(answer.body))
      .filter((body) => [...secretValues].some((value) => body.includes(value)));
    expect(told).toEqual([]);
  });

  /** A secret's value, remembered so that no answer may hold it (long enough to tell). */
  const secretValue = (text: string) => {
    if (text.length < 8) throw new Error(`"${text}" is too short to look for in answers`);
    secretValues.add(text);
    return text;
  };

  /** A request the client cannot make (bodies it would not send), sent as it is. */
  async function raw(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options: { form?: string; auth?: [string, string] | null } = {},
  ) {
    const auth = options.auth === undefined ? [a.accountSid, a.authToken] : options.auth;
    let request =
      testApp.http[method === 'GET' ? 'get' : method === 'POST' ? 'post' : 'delete'](path);
    if (auth) request = request.auth(auth[0], auth[1]);
    if (options.form !== undefined) request = request.type('form').send(options.form);
    const response = await request;
    const body: unknown = response.text === '' ? '' : JSON.parse(response.text);
    rawExchanges.push({ method, url: `${origin}${path}`, status: response.status, body });
    return { status: response.status, headers: response.headers, body };
  }

  /** The status and body of the client's last answer. */
  const lastAnswer = (client: TestTwilioClient = alice) => {
    const { status, body } = client.exchanges.at(-1)!;
    return { status, body };
  };

  describe.each(KINDS)('$name', (kind) => {
    /** Alice's list of this kind: her account's, or her device's (by SID unless told). */
    const list = (client = alice, device: string = aliceDevice.sid) =>
      kind.of(client.client, device);
    const path = (device: string = aliceDevice.sid) => `${V1}${kind.path(device)}`;
    /** A value to set: a secret's is marked (same length) so that no config's is taken for it. */
    const value = (text: string) =>
      kind.secret ? secretValue([...`§${text}`].slice(0, [...text].length).join('')) : text;
    const storedRows = (key: string) =>
      testApp.dataSource.query<Record<string, unknown>[]>(
        `SELECT * FROM ${kind.table} WHERE key = $1 ORDER BY tenant_id`,
        [key],
      );

    /** The JSON of a setting of Alice's device (or account) as the spec writes it. */
    const expectedJson = (key: string, stored: string) => ({
      ...(kind.device ? { device_sid: aliceDevice.sid } : {}),
      key,
      ...(kind.secret
        ? { date_rotated: expect.stringMatching(TWILIO_DATE) as string }
        : { value: stored, date_updated: expect.stringMatching(TWILIO_DATE) as string }),
      url: `${origin}${path()}/${key}`,
    });

    it('creates (201), fetches (200), updates (200) and deletes (204) a setting', async () => {
      const key = newKey('first');
      const created = await list().create({ key, value: value('first value') });
      expect(lastAnswer()).toEqual({ status: 201, body: expectedJson(key, 'first value') });
      expect(created.key).toBe(key);

      await list()(key).fetch();
      expect(lastAnswer()).toEqual({ status: 200, body: expectedJson(key, 'first value') });

      const updated = await list()(key).update({ value: value('second value') });
      expect(lastAnswer()).toEqual({ status: 200, body: expectedJson(key, 'second value') });
      const changed = kind.secret ? 'dateRotated' : 'dateUpdated';
      expect(updated[changed]!.getTime()).toBeGreaterThanOrEqual(created[changed]!.getTime());
      const [row] = await storedRows(key);
      const changedAt = (kind.secret ? row.rotated_at : row.updated_at) as Date;
      expect(changedAt.getTime()).toBeGreaterThan((row.created_at as Date).getTime());

      expect(await list()(key).remove()).toBe(true);
      expect(lastAnswer().status).toBe(204);
      expect(await rejection(list()(key).fetch())).toMatchObject({
        status: 404,
        code: 20404,
        message: `The requested resource ${kind.path(aliceDevice.sid)}/${key} was not found`,
      });
      expect(await storedRows(key)).toEqual([]);
    });

    it('keeps the value as sent: line breaks, tabs, any script, 4096 characters of it', async () => {
      const key = newKey('text');
      const text = value(`-----BEGIN-----\r\n\tété 🚗 ${'x'.repeat(100)}\n`);
      await list().create({ key, value: text });
      const long = '🚗'.repeat(4096);
      const longKey = newKey('long');
      await list().create({ key: longKey, value: value(long) });
      if (!kind.secret) {
        expect((await list()(key).fetch()).value).toBe(text);
        expect((await list()(longKey).fetch()).value).toBe(long);
      }
      expect((await storedRows(longKey)).length).toBe(1);
    });

    if (kind.device) {
      it('addresses the device by SID (hex in either case) or unique name', async () => {
        const key = newKey('addressed');
        await list().create({ key, value: value('addressed value') });
        const upper = `UV${aliceDevice.sid.slice(2).toUpperCase()}`;
        for (const device of [aliceDevice.sid, upper, 'thermostat']) {
          const fetched = await list(alice, device)(key).fetch();
          expect(fetched.deviceSid).toBe(aliceDevice.sid);
          expect(fetched.url).toBe(`${origin}${path()}/${key}`);
        }
        const byName = await list(alice, 'thermostat').list();
        expect(byName.map((setting) => setting.key)).toContain(key);
      });
    }

    it('refuses a key its owner already has (409, 20409) and keeps the first value', async () => {
      const key = newKey('taken');
      await list().create({ key, value: value('kept value') });
      const before = await storedRows(key);
      const owner = kind.device ? `the device ${aliceDevice.sid}` : 'this account';
      expect(await rejection(list().create({ key, value: value('lost value') }))).toMatchObject({
        status: 409,
        code: 20409,
        message: `A ${kind.secret ? 'secret' : 'config'} with the key ${key} already exists for ${owner}: update it instead`,
      });
      expect(await storedRows(key)).toEqual(before);
    });

    it('takes the same key for another owner', async () => {
      const key = newKey('shared');
      await list().create({ key, value: value('value of mine') });
      if (kind.device)
        await list(alice, aliceOtherDevice.sid).create({ key, value: value('also mine') });
      await list(bob, bobDevice.sid).create({ key, value: value('value of theirs') });
      expect(await storedRows(key)).toHaveLength(kind.device ? 3 : 2);
    });

    describe('bad parameters: 400 naming the parameter, and nothing stored', () => {
      it.each<[string, string, string]>([
        ['no Key', 'Value=v', 'Missing required parameter Key in the post body'],
        ['no Value', 'Key=no-value', 'Missing required parameter Value in the post body'],
        ['no body', '', 'Missing required parameter Key in the post body'],
        [
          'a Key of 101 characters',
          `Key=${'k'.repeat(101)}&Value=v`,
          'Invalid parameter Key: must be at most 100 characters',
        ],
        [
          'a Value of 4097 characters',
          `Key=too-long&Value=${'v'.repeat(4097)}`,
          'Invalid parameter Value: must be at most 4096 characters',
        ],
        ['an empty Key', 'Key=&Value=v', `Invalid parameter Key: ${KEY_RULE}`],
        ['a Key with a space', 'Key=a+b&Value=v', `Invalid parameter Key: ${KEY_RULE}`],
        ['a Key with a slash', 'Key=a%2Fb&Value=v', `Invalid parameter Key: ${KEY_RULE}`],
        ['a Key of dots', 'Key=..&Value=v', `Invalid parameter Key: ${KEY_RULE}`],
        ['a Key in another script', 'Key=cl%C3%A9&Value=v', `Invalid parameter Key: ${KEY_RULE}`],
        [
          'a Key with a control character',
          'Key=a%01b&Value=v',
          'Invalid parameter Key: must not contain control characters',
        ],
        [
          'a Value with NUL',
          'Key=nul&Value=a%00b',
          'Invalid parameter Value: must not contain NUL characters or unpaired surrogates',
        ],
        ['Key twice', 'Key=a&Key=b&Value=v', 'Invalid parameter Key: must be given once'],
      ])('create with %s', async (_case, form, message) => {
        const before = await testApp.dataSource.query(`SELECT count(*) FROM ${kind.table}`);
        const response = await raw('POST', path(), { form });
        expect(response.body).toEqual(twilioError(400, 20001, message));
        expect(await testApp.dataSource.query(`SELECT count(*) FROM ${kind.table}`)).toEqual(
          before,
        );
      });

      it('takes a Key of 100 characters and a Value of 4096, as the client sends them', async () => {
        const key = `k${'0'.repeat(99)}`;
        await list().create({ key, value: value('v'.repeat(4096)) });
        expect(lastAnswer().status).toBe(201);
        expect(await rejection(list().create({ key: 'k'.repeat(101), value: 'v' }))).toMatchObject({
          status: 400,
          code: 20001,
          message: expect.stringContaining('100') as string,
        });
        expect(
          await rejection(list()(key).update({ value: value('v'.repeat(4097)) })),
        ).toMatchObject({
          status: 400,
          code: 20001,
          message: expect.stringContaining('4096') as string,
        });
      });

      it('update without a Value, or with two: 400, the value unchanged', async () => {
        const key = newKey('update');
        await list().create({ key, value: value('unchanged') });
        const before = await storedRows(key);
        for (const [form, message] of [
          ['', 'Missing required parameter Value in the post body'],
          ['Value=a&Value=b', 'Invalid parameter Value: must be given once'],
        ]) {
          const response = await raw('POST', `${path()}/${key}`, { form });
          expect(response.body).toEqual(twilioError(400, 20001, message));
        }
        expect(await storedRows(key)).toEqual(before);
      });
    });

    describe('not found: 404 (20404) naming the resource as requested', () => {
      it('a key the owner does not have, on fetch, update and delete', async () => {
        const key = newKey('absent');
        for (const call of [
          () => list()(key).fetch(),
          () => list()(key).update({ value: 'v' }),
          () => list()(key).remove(),
        ]) {
          expect(await rejection(call())).toMatchObject({
            status: 404,
            code: 20404,
            message: `The requested resource ${kind.path(aliceDevice.sid)}/${key} was not found`,
          });
        }
        expect(await storedRows(key)).toEqual([]);
      });

      it.each([
        ['longer than a key can be', 'k'.repeat(101)],
        ['with characters no key has', 'a%20b'],
        ['of dots', '.'],
      ])('a key %s, on fetch, update and delete', async (_case, key) => {
        for (const [method, form] of [
          ['GET', undefined],
          ['POST', 'Value=v'],
          ['DELETE', undefined],
        ] as const) {
          const response = await raw(method, `${path()}/${key}`, { form });
          expect(response).toMatchObject({ status: 404, body: { code: 20404, status: 404 } });
        }
      });

      if (kind.device) {
        it.each([
          ['an unknown device SID', `UV${'0'.repeat(32)}`],
          ['an unknown unique name', 'nobody'],
          ['a SID of another resource', `KA${'0'.repeat(32)}`],
        ])('%s, on every operation', async (_case, device) => {
          const key = newKey('nodevice');
          const resource = `The requested resource ${kind.path(device)}`;
          for (const [call, message] of [
            [() => list(alice, device).create({ key, value: 'v' }), resource],
            [() => list(alice, device).list(), resource],
            [() => list(alice, device)(key).fetch(), `${resource}/${key}`],
            [() => list(alice, device)(key).update({ value: 'v' }), `${resource}/${key}`],
            [() => list(alice, device)(key).remove(), `${resource}/${key}`],
          ] as const) {
            expect(await rejection(call())).toMatchObject({
              status: 404,
              code: 20404,
              message: `${message} was not found`,
            });
          }
        });
      }
    });

    describe('authentication', () => {
      it.each<[string, boolean, string]>([
        ['no credentials', false, 'Authentication Error - No credentials provided'],
        [
          "another account's auth token",
          true,
          'Authentication Error - Your AccountSid or AuthToken was incorrect',
        ],
      ])(
        '%s: 401 with the challenge on every operation, nothing stored',
        async (_case, wrong, message) => {
          const key = newKey('unauthenticated');
          const credentials: [string, string] | null = wrong ? [a.accountSid, b.authToken] : null;
          for (const [method, target, form] of [
            ['POST', path(), `Key=${key}&Value=v`],
            ['GET', path(), undefined],
            ['GET', `${path()}/${key}`, undefined],
            ['POST', `${path()}/${key}`, 'Value=v'],
            ['DELETE', `${path()}/${key}`, undefined],
          ] as const) {
            const response = await raw(method, target, { form, auth: credentials });
            expect(response.status).toBe(401);
            expect(response.headers['www-authenticate']).toBe(CHALLENGE);
            expect(response.body).toEqual(twilioError(401, 20003, message));
          }
          expect(await storedRows(key)).toEqual([]);
        },
      );
    });

    describe('tenant isolation: another account reaches nothing of these', () => {
      let key: string;
      let before: Record<string, unknown>[];

      beforeAll(async () => {
        key = newKey('isolated');
        await list().create({ key, value: value('only for A') });
        before = await storedRows(key);
      });
      afterEach(async () => expect(await storedRows(key)).toEqual(before));

      if (kind.device) {
        it("addressing the other account's device: 404 on every operation", async () => {
          for (const device of [aliceDevice.sid, aliceOtherDevice.sid]) {
            for (const call of [
              () => list(bob, device).create({ key: newKey('intruder'), value: 'v' }),
              () => list(bob, device).list(),
              () => list(bob, device)(key).fetch(),
              () => list(bob, device)(key).update({ value: 'B was here' }),
              () => list(bob, device)(key).remove(),
            ]) {
              expect(await rejection(call())).toMatchObject({ status: 404, code: 20404 });
            }
          }
        });

        it('a unique name both accounts use names their own device', async () => {
          expect(await rejection(list(bob, 'thermostat')(key).fetch())).toMatchObject({
            status: 404,
          });
          const own = await list(bob, 'thermostat').create({ key, value: value('value for B') });
          expect(own.deviceSid).toBe(bobDevice.sid);
          expect(
            (await list(bob, 'thermostat').list()).map((setting) => setting.deviceSid),
          ).not.toContain(aliceDevice.sid);
          await list(bob, 'thermostat')(key).remove();
        });
      } else {
        it("fetch, update and delete of the other account's key: 404", async () => {
          for (const call of [
            () => list(bob)(key).fetch(),
            () => list(bob)(key).update({ value: 'B was here' }),
            () => list(bob)(key).remove(),
          ]) {
            expect(await rejection(call())).toMatchObject({ status: 404, code: 20404 });
          }
        });

        it('lists none of them, and may take the same key', async () => {
          expect((await list(bob).list()).map((setting) => setting.key)).not.toContain(key);
          await list(bob).create({ key, value: value('value for B') });
          expect((await list(bob)(key).fetch()).url).toBe(`${origin}${path()}/${key}`);
          await list(bob)(key).remove();
        });
      }
    });

    describe('paging', () => {
      let pager: TestTwilioClient;
      let device: RegisteredDevice;
      let expected: string[];

      beforeAll(async () => {
        const tenant = await createTenant(testApp, `Settings pager ${kind.name}`);
        pager = await twilioClient(testApp, tenant);
        device = await registerDevice(testApp, tenant);
        // Keys of every character a key may hold, created out of order.
        const keys = Array.from({ length: 45 }, (_, i) =>
          ['Z', 'a', '0', 'm.', 'm-', 'm_', 'B'][i % 7].concat(String((i * 37) % 45)),
        );
        for (let batch = 0; batch < keys.length; batch += 15) {
          await Promise.all(
            keys
              .slice(batch, batch + 15)
              .map((key) =>
                kind.of(pager.client, device.sid).create({ key, value: value(`value of ${key}`) }),
              ),
          );
        }
        expected = [...keys].sort();
        expect(
          pager.exchanges.splice(0).flatMap((answer) => twilioAnswerProblems('microvisor', answer)),
        ).toEqual([]);
      });
      afterEach(() => {
        expect(
          pager.exchanges.splice(0).flatMap((answer) => twilioAnswerProblems('microvisor', answer)),
        ).toEqual([]);
      });

      it('walks 45 settings in key order (byte order) with each(), 20 a page: three pages', async () => {
        const seen: string[] = [];
        await new Promise<void>((resolve, reject) =>
          kind.of(pager.client, device.sid).each({
            pageSize: 20,
            callback: (setting) => void seen.push(setting.key),
            done: (error?: Error) => (error ? reject(error) : resolve()),
          }),
        );
        expect(seen).toEqual(expected);
        const listUrl = `${origin}${V1}${kind.path(device.sid)}`;
        const metas = pager.exchanges.map(
          (exchange) => (exchange.body as { meta: Record<string, unknown> }).meta,
        );
        const key = kind.path().endsWith('Configs') ? 'configs' : 'secrets';
        expect(metas.map((meta) => [meta.page, meta.page_size, meta.key])).toEqual([
          [0, 20, key],
          [1, 20, key],
          [2, 20, key],
        ]);
        expect(metas[0]).toMatchObject({
          first_page_url: `${listUrl}?PageSize=20&Page=0`,
          previous_page_url: null,
        });
        expect(metas[2].next_page_url).toBeNull();
      });

      it('refuses a PageToken of another list, and PageSize over 1000', async () => {
        const foreign = `PA${Buffer.from('["2026-01-01T00:00:00.000000Z","x"]').toString('base64url')}`;
        for (const [query, code, message] of [
          [`PageToken=${foreign}`, 21481, 'Invalid PageToken'],
          [
            `PageToken=PA${Buffer.from('["a b"]').toString('base64url')}`,
            21481,
            'Invalid PageToken',
          ],
          ['PageSize=1001', 20007, 'Page size too large: PageSize must be at most 1000'],
        ] as const) {
          const response = await raw('GET', `${path()}?${query}`);
          expect(response.body).toEqual(twilioError(400, code, message));
        }
      });
    });
  });

  describe('secret values', () => {
    it('are sealed in their tables: no column of any row holds one, in text or in hex', async () => {
      const plain = secretValue('plaintext-to-look-for-7f3a');
      await alice.client.microvisor.v1.accountSecrets.create({
        key: newKey('sealed'),
        value: plain,
      });
      await alice.client.microvisor.v1
        .devices(aliceDevice.sid)
        .deviceSecrets.create({ key: newKey('sealed'), value: plain });
      for (const table of ['microvisor_account_secrets', 'microvisor_device_secrets']) {
        const rows = await testApp.dataSource.query<{ text: string }[]>(
          `SELECT row_to_json(s)::text AS text FROM ${table} s`,
        );
        expect(rows.length).toBeGreaterThan(0);
        const exposed = rows.filter(
          ({ text }) => text.includes(plain) || text.includes(Buffer.from(plain).toString('hex')),
        );
        expect(exposed).toEqual([]);
      }
    });

    it('are sealed anew on update: another sealed value, rotated_at moved forward', async () => {
      const key = newKey('rotated');
      const secrets = alice.client.microvisor.v1.accountSecrets;
      await secrets.create({ key, value: secretValue('before rotation') });
      const query = () =>
        testApp.dataSource.query<{ value_sealed: Buffer; rotated_at: Date }[]>(
          'SELECT value_sealed, rotated_at FROM microvisor_account_secrets WHERE key = $1',
          [key],
        );
      const [before] = await query();
      await secrets(key).update({ value: secretValue('after rotation') });
      const [after] = await query();
      expect(after.value_sealed.equals(before.value_sealed)).toBe(false);
      expect(after.rotated_at.getTime()).toBeGreaterThan(before.rotated_at.getTime());
    });
  });

  describe('what a device receives at check-in (DeviceSettingsService)', () => {
    it("its own configs and secrets and its account's, values opened, nothing of others'", async () => {
      const tenant = await createTenant(testApp, 'Settings check-in');
      const { client } = await twilioClient(testApp, tenant);
      const tenantId = await tenantIdOf(testApp, tenant.tenant);
      const device = await registerDevice(testApp, tenant, 'pump');
      const neighbour = await registerDevice(testApp, tenant);
      const v1 = client.microvisor.v1;
      await v1.accountConfigs.create({ key: 'region', value: 'eu' });
      await v1.accountConfigs.create({ key: 'endpoint', value: 'https://example.com' });
      await v1.accountSecrets.create({ key: 'api-key', value: secretValue('account secret') });
      await v1.devices('pump').deviceConfigs.create({ key: 'interval', value: '60' });
      await v1
        .devices('pump')
        .deviceSecrets.create({ key: 'psk', value: secretValue('psk\nsecret-1') });
      await v1.devices(neighbour.sid).deviceConfigs.create({ key: 'interval', value: '5' });
      await v1.devices(neighbour.sid).deviceSecrets.create({ key: 'other', value: 'no' });

      const settings = testApp.app.get(DeviceSettingsService);
      const account = {
        configs: [
          { key: 'endpoint', value: 'https://example.com' },
          { key: 'region', value: 'eu' },
        ],
        secrets: [{ key: 'api-key', value: 'account secret' }],
      };
      expect(await settings.forDevice({ sid: device.sid, tenantId })).toEqual({
        configs: { device: [{ key: 'interval', value: '60' }], account: account.configs },
        secrets: { device: [{ key: 'psk', value: 'psk\nsecret-1' }], account: account.secrets },
      });
      expect(await settings.forDevice({ sid: neighbour.sid, tenantId })).toEqual({
        configs: { device: [{ key: 'interval', value: '5' }], account: account.configs },
        secrets: { device: [{ key: 'other', value: 'no' }], account: account.secrets },
      });
      // A device of another account, which has no settings of its own.
      const stranger = await createTenant(testApp, 'Settings stranger');
      const strangerId = await tenantIdOf(testApp, stranger.tenant);
      const strangerDevice = await registerDevice(testApp, stranger);
      expect(await settings.forDevice({ sid: strangerDevice.sid, tenantId: strangerId })).toEqual({
        configs: { device: [], account: [] },
        secrets: { device: [], account: [] },
      });
    });

    it('leaves out a secret whose sealed value was copied to another row (it does not open there)', async () => {
      const tenant = await createTenant(testApp, 'Settings copied secret');
      const { client } = await twilioClient(testApp, tenant);
      const tenantId = await tenantIdOf(testApp, tenant.tenant);
      const device = await registerDevice(testApp, tenant);
      const secrets = client.microvisor.v1.devices(device.sid).deviceSecrets;
      await secrets.create({ key: 'genuine', value: secretValue('genuine value') });
      await secrets.create({ key: 'copy', value: secretValue('replaced') });
      await testApp.dataSource.query(
        `UPDATE microvisor_device_secrets SET value_sealed =
           (SELECT value_sealed FROM microvisor_device_secrets WHERE device_sid = $1 AND key = 'genuine')
         WHERE device_sid = $1 AND key = 'copy'`,
        [device.sid],
      );
      const received = await testApp.app
        .get(DeviceSettingsService)
        .forDevice({ sid: device.sid, tenantId });
      expect(received.secrets.device).toEqual([{ key: 'genuine', value: 'genuine value' }]);
    });
  });
});

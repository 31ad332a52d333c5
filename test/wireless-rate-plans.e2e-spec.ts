import type { TenantCredentials } from '../src/auth/tenants.service';
import { RatePlanEntity } from '../src/wireless/entities/rate-plan.entity';
import { SimEntity } from '../src/wireless/entities/sim.entity';
import { createTenant, tenantIdOf } from './factories/tenant.factory';
import { insertSim } from './factories/wireless.factory';
import { listeningUrl } from './utils/listening-url';
import { createTestApp, type TestApp } from './utils/test-app';
import { twilioClient, type TestTwilioClient, type TwilioExchange } from './utils/twilio-client';
import { twilioAnswerProblems } from './utils/twilio-schema';
import { rejection, twilioError } from './utils/twilio-answers';

const LIST = '/wireless/v1/RatePlans';
const SID = /^WP[0-9a-f]{32}$/;
const TWILIO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const CHALLENGE = 'Basic realm="Twilio API"';

describe('Wireless v1 RatePlans through the official twilio client', () => {
  let testApp: TestApp;
  let origin: string;
  let a: TenantCredentials;
  let b: TenantCredentials;
  let alice: TestTwilioClient;
  let bob: TestTwilioClient;
  /** The raw requests' answers of the running test, held to the spec with the clients'. */
  const rawExchanges: TwilioExchange[] = [];

  beforeAll(async () => {
    testApp = await createTestApp();
    origin = await listeningUrl(testApp);
    a = await createTenant(testApp, 'Rate Plans A');
    b = await createTenant(testApp, 'Rate Plans B');
    alice = await twilioClient(testApp, a);
    bob = await twilioClient(testApp, b);
  });
  afterAll(() => testApp.close());

  afterEach(() => {
    const answers = [
      ...alice.exchanges.splice(0),
      ...bob.exchanges.splice(0),
      ...rawExchanges.splice(0),
    ];
    expect(answers.flatMap((answer) => twilioAnswerProblems('wireless', answer))).toEqual([]);
  });

  const plans = (client: TestTwilioClient = alice) => client.client.wireless.v1.ratePlans;
  const lastStatus = (client: TestTwilioClient = alice) => client.exchanges.at(-1)?.status;
  const countFor = async (tenant: TenantCredentials) =>
    testApp.dataSource
      .getRepository(RatePlanEntity)
      .countBy({ tenantId: await tenantIdOf(testApp, tenant.tenant) });

  /** A request the client cannot make (another content type, bad values), sent as it is. */
  async function raw(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options: { form?: string; auth?: [string, string] | null; type?: string } = {},
  ) {
    const auth = options.auth === undefined ? [a.accountSid, a.authToken] : options.auth;
    let request =
      testApp.http[method === 'GET' ? 'get' : method === 'POST' ? 'post' : 'delete'](path);
    if (auth) request = request.auth(auth[0], auth[1]);
    if (options.form !== undefined) {
      request = request.set('Content-Type', options.type ?? 'application/x-www-form-urlencoded');
      request = request.send(options.form);
    }
    const response = await request;
    const body: unknown = response.text === '' ? '' : JSON.parse(response.text);
    rawExchanges.push({ method, url: `${origin}${path}`, status: response.status, body });
    return { status: response.status, headers: response.headers, body };
  }

  describe('create', () => {
    it('takes every parameter of the spec and answers 201 with the rate plan', async () => {
      const plan = await plans().create({
        uniqueName: 'full-plan',
        friendlyName: 'Full plan',
        dataEnabled: false,
        dataLimit: 2_000_000,
        dataMetering: 'quota-10',
        messagingEnabled: false,
        voiceEnabled: true,
        nationalRoamingEnabled: false,
        internationalRoaming: ['data', 'messaging'],
        nationalRoamingDataLimit: 0,
        internationalRoamingDataLimit: 25,
        dataLimitStrategy: 'throttle',
      });
      expect(lastStatus()).toBe(201);
      expect(plan.sid).toMatch(SID);
      expect(plan.toJSON()).toEqual({
        sid: plan.sid,
        uniqueName: 'full-plan',
        accountSid: a.accountSid,
        friendlyName: 'Full plan',
        dataEnabled: false,
        dataMetering: 'quota-10',
        dataLimit: 2_000_000,
        messagingEnabled: false,
        voiceEnabled: true,
        nationalRoamingEnabled: false,
        nationalRoamingDataLimit: 0,
        internationalRoaming: ['data', 'messaging'],
        internationalRoamingDataLimit: 25,
        dateCreated: plan.dateCreated,
        dateUpdated: plan.dateUpdated,
        url: `${origin}${LIST}/${plan.sid}`,
      });
      const stored = await testApp.dataSource
        .getRepository(RatePlanEntity)
        .findOneByOrFail({ sid: plan.sid });
      expect(stored.dataLimitStrategy).toBe('throttle');
    });

    it("fills in the defaults of the spec's descriptions and example", async () => {
      const plan = await plans().create();
      expect(lastStatus()).toBe(201);
      expect(alice.exchanges.at(-1)?.body).toMatchObject({
        unique_name: null,
        friendly_name: null,
        data_enabled: true,
        data_limit: 1000,
        data_metering: 'payg',
        messaging_enabled: true,
        voice_enabled: false,
        national_roaming_enabled: true,
        national_roaming_data_limit: 1000,
        international_roaming: [],
        international_roaming_data_limit: 1000,
        date_created: expect.stringMatching(TWILIO_DATE) as string,
      });
      const stored = await testApp.dataSource
        .getRepository(RatePlanEntity)
        .findOneByOrFail({ sid: plan.sid });
      expect(stored.dataLimitStrategy).toBe('block');
    });

    it('ignores parameters the operation does not take, and takes a single roaming service', async () => {
      const response = await raw('POST', LIST, {
        form: 'UniqueName=lenient&Unknown=1&dataLimit=5&InternationalRoaming=voice',
      });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        unique_name: 'lenient',
        data_limit: 1000,
        international_roaming: ['voice'],
      });
    });
  });

  describe('bad parameters: 400 naming the parameter, and nothing created', () => {
    it.each<[string, string, number, string]>([
      ['DataLimit=abc', 'DataLimit', 20001, 'must be an integer'],
      ['DataLimit=2000001', 'DataLimit', 33101, 'must be between 0 and 2000000'],
      ['DataLimit=-1', 'DataLimit', 33101, 'must be between 0 and 2000000'],
      [
        'NationalRoamingDataLimit=2000001',
        'NationalRoamingDataLimit',
        33101,
        'must be between 0 and 2000000',
      ],
      [
        'InternationalRoamingDataLimit=99999999',
        'InternationalRoamingDataLimit',
        33101,
        'must be between 0 and 2000000',
      ],
      [`UniqueName=${'u'.repeat(65)}`, 'UniqueName', 33101, 'must be at most 64 characters'],
      [`UniqueName=WP${'0'.repeat(32)}`, 'UniqueName', 33101, 'must not have the shape of a SID'],
      [`UniqueName=DE${'a'.repeat(32)}`, 'UniqueName', 33101, 'must not have the shape of a SID'],
      ['UniqueName=', 'UniqueName', 33101, 'must not be empty'],
      [`FriendlyName=${'f'.repeat(65)}`, 'FriendlyName', 20001, 'must be at most 64 characters'],
      ['FriendlyName=a%00b', 'FriendlyName', 20001, 'must not contain control characters'],
      [
        'DataMetering=gold',
        'DataMetering',
        20001,
        'must be one of payg, quota-1, quota-10, quota-50',
      ],
      ['DataLimitStrategy=slow', 'DataLimitStrategy', 20001, 'must be one of block, throttle'],
      [
        'InternationalRoaming=data&InternationalRoaming=sms',
        'InternationalRoaming',
        20001,
        'each must be one of data, messaging, voice',
      ],
      ['DataEnabled=yes', 'DataEnabled', 20001, 'must be true or false'],
      ['VoiceEnabled=true&VoiceEnabled=false', 'VoiceEnabled', 20001, 'must be given once'],
    ])('%s', async (form, name, code, why) => {
      const before = await countFor(a);
      const response = await raw('POST', LIST, { form });
      expect(response.body).toEqual(twilioError(400, code, `Invalid parameter ${name}: ${why}`));
      expect(await countFor(a)).toBe(before);
    });

    it('refuses a unique name another rate plan of the account has (33101)', async () => {
      await plans().create({ uniqueName: 'taken' });
      const error = await rejection(plans().create({ uniqueName: 'taken' }));
      expect(error).toMatchObject({
        status: 400,
        code: 33101,
        message:
          'Invalid parameter UniqueName: "taken" is the unique name of another rate plan of this account',
      });
    });

    it('refuses a limit past 2 TB through the client too (33101)', async () => {
      const error = await rejection(plans().create({ dataLimit: 2_000_001 }));
      expect(error).toMatchObject({
        status: 400,
        code: 33101,
        moreInfo: 'https://www.twilio.com/docs/errors/33101',
      });
    });

    it('refuses another body format (415) and a percent-escape that is not UTF-8 (20001)', async () => {
      const json = await raw('POST', LIST, {
        form: '{"UniqueName":"x"}',
        type: 'application/json',
      });
      expect(json.body).toEqual(
        twilioError(
          415,
          20415,
          'Content-Type must be application/x-www-form-urlencoded (UTF-8) (got "application/json")',
        ),
      );
      const latin1 = await raw('POST', LIST, { form: 'FriendlyName=%E9t%E9' });
      expect(latin1.body).toEqual(
        twilioError(
          400,
          20001,
          'The request body is not valid form encoding: a percent-escape is malformed or not UTF-8',
        ),
      );
    });
  });

  describe('fetch, update, delete', () => {
    it('fetches a rate plan by SID (hex in either case) and by unique name', async () => {
      const created = await plans().create({ uniqueName: 'fetch-me', friendlyName: 'Fetch me' });
      for (const key of [created.sid, `WP${created.sid.slice(2).toUpperCase()}`, 'fetch-me']) {
        const fetched = await plans().get(key).fetch();
        expect(lastStatus()).toBe(200);
        expect(fetched.toJSON()).toEqual(created.toJSON());
      }
    });

    it('fetches a unique name with spaces and other characters, percent-encoded by the client', async () => {
      const created = await plans().create({ uniqueName: 'plan à 10 €' });
      expect((await plans().get('plan à 10 €').fetch()).sid).toBe(created.sid);
    });

    it('updates the unique and friendly names (200), leaving the rest', async () => {
      const created = await plans().create({ uniqueName: 'before', dataLimit: 42 });
      const updated = await plans()
        .get('before')
        .update({ uniqueName: 'after', friendlyName: 'After' });
      expect(lastStatus()).toBe(200);
      expect(updated.toJSON()).toEqual({
        ...created.toJSON(),
        uniqueName: 'after',
        friendlyName: 'After',
        dateUpdated: updated.dateUpdated,
      });
      expect(updated.dateUpdated.getTime()).toBeGreaterThanOrEqual(created.dateUpdated.getTime());
      expect((await plans().get('after').fetch()).sid).toBe(created.sid);
      expect(await rejection(plans().get('before').fetch())).toMatchObject({
        status: 404,
        code: 20404,
      });
    });

    it('answers an update without parameters with the rate plan as it is', async () => {
      const created = await plans().create({ friendlyName: 'unchanged' });
      const same = await plans().get(created.sid).update();
      expect(same.toJSON()).toEqual(created.toJSON());
    });

    it('refuses a unique name another rate plan has, on update too (33101)', async () => {
      await plans().create({ uniqueName: 'first-name' });
      const second = await plans().create({ uniqueName: 'second-name' });
      expect(
        await rejection(plans().get(second.sid).update({ uniqueName: 'first-name' })),
      ).toMatchObject({
        status: 400,
        code: 33101,
      });
      expect((await plans().get(second.sid).fetch()).uniqueName).toBe('second-name');
    });

    it('deletes a rate plan (204), by SID or unique name, and then it is gone', async () => {
      const bySid = await plans().create();
      expect(await plans().get(bySid.sid).remove()).toBe(true);
      expect(lastStatus()).toBe(204);
      await plans().create({ uniqueName: 'delete-me' });
      expect(await plans().get('delete-me').remove()).toBe(true);
      for (const key of [bySid.sid, 'delete-me']) {
        expect(await rejection(plans().get(key).fetch())).toMatchObject({
          status: 404,
          code: 20404,
          message: `The requested resource /RatePlans/${key} was not found`,
        });
      }
    });

    it('refuses to delete a rate plan Sims use, saying how many (400, 33201)', async () => {
      const plan = await plans().create({ uniqueName: 'in-use' });
      const tenantId = await tenantIdOf(testApp, a.tenant);
      await insertSim(testApp, tenantId, { ratePlanSid: plan.sid });
      await insertSim(testApp, tenantId, { ratePlanSid: plan.sid });
      const error = await rejection(plans().get('in-use').remove());
      expect(error).toMatchObject({
        status: 400,
        code: 33201,
        message: `The rate plan ${plan.sid} is used by 2 Sims: move them to another rate plan before deleting it`,
      });
      expect((await plans().get(plan.sid).fetch()).sid).toBe(plan.sid);

      await testApp.dataSource.getRepository(SimEntity).delete({ ratePlanSid: plan.sid });
      expect(await plans().get(plan.sid).remove()).toBe(true);
    });
  });

  describe('not found', () => {
    it.each([
      ['an unknown SID', `WP${'0'.repeat(32)}`],
      ['an unknown unique name', 'nobody'],
      ['a SID of another resource', `DE${'0'.repeat(32)}`],
    ])('%s is 404 (20404) on fetch, update and delete', async (_case, key) => {
      for (const call of [
        () => plans().get(key).fetch(),
        () => plans().get(key).update({ friendlyName: 'x' }),
        () => plans().get(key).remove(),
      ]) {
        expect(await rejection(call())).toMatchObject({
          status: 404,
          code: 20404,
          message: `The requested resource /RatePlans/${key} was not found`,
        });
      }
    });

    it.each([
      [
        'a name no rate plan can have (too long)',
        `${LIST}/${'n'.repeat(65)}`,
        `/RatePlans/${'n'.repeat(65)}`,
      ],
      ['a name with a control character', `${LIST}/a%01b`, '/RatePlans/a\u0001b'],
    ])('%s is 404 too', async (_case, path, resource) => {
      const response = await raw('GET', path);
      expect(response.body).toEqual(
        twilioError(404, 20404, `The requested resource ${resource} was not found`),
      );
    });

    it.each([
      ['/wireless/v1/Nothing', '/v1/Nothing'],
      ['/wireless/v2/RatePlans', '/v2/RatePlans'],
      ['/wireless', '/'],
      [`${LIST}/x/y`, '/v1/RatePlans/x/y'],
    ])(
      'a path under /wireless that no route matches (%s) is 404 in Twilio format',
      async (path, resource) => {
        const response = await raw('GET', path);
        expect(response.body).toEqual(
          twilioError(404, 20404, `The requested resource ${resource} was not found`),
        );
      },
    );

    it('a path param that is not valid percent-encoding is 400 in Twilio format', async () => {
      const response = await raw('GET', `${LIST}/%FF`);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 20001, status: 400 });
    });

    it('leaves the /apidev/v1 envelope to paths outside the Twilio mounts', async () => {
      const response = await testApp.http.get('/apidev/v1/nothing');
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    });
  });

  describe('authentication', () => {
    it('answers a wrong auth token with 401, 20003 and the Basic challenge', async () => {
      const response = await raw('GET', LIST, { auth: [a.accountSid, b.authToken] });
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe(CHALLENGE);
      expect(response.body).toEqual(
        twilioError(
          401,
          20003,
          'Authentication Error - Your AccountSid or AuthToken was incorrect',
        ),
      );
    });

    it('answers no credentials with 401 and the challenge, before reading any body', async () => {
      const response = await raw('POST', LIST, {
        auth: null,
        form: 'UniqueName=x',
        type: 'text/plain',
      });
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe(CHALLENGE);
      expect(response.body).toEqual(
        twilioError(401, 20003, 'Authentication Error - No credentials provided'),
      );
    });

    it('gives the client a RestException for a wrong token', async () => {
      const intruder = await twilioClient(testApp, {
        accountSid: a.accountSid,
        authToken: b.authToken,
      });
      expect(await rejection(intruder.client.wireless.v1.ratePlans.list())).toMatchObject({
        status: 401,
        code: 20003,
      });
      expect(
        intruder.exchanges.flatMap((answer) => twilioAnswerProblems('wireless', answer)),
      ).toEqual([]);
    });
  });

  describe('tenant isolation: another account sees, changes and counts nothing of these', () => {
    let plan: { sid: string; uniqueName: string };

    beforeAll(async () => {
      const created = await plans().create({ uniqueName: 'isolated', friendlyName: 'A only' });
      plan = { sid: created.sid, uniqueName: 'isolated' };
    });

    it('fetch, update and delete by SID or unique name are 404', async () => {
      for (const key of [plan.sid, plan.uniqueName]) {
        for (const call of [
          () => plans(bob).get(key).fetch(),
          () => plans(bob).get(key).update({ friendlyName: 'B was here' }),
          () => plans(bob).get(key).remove(),
        ]) {
          expect(await rejection(call())).toMatchObject({ status: 404, code: 20404 });
        }
      }
      expect((await plans().get(plan.sid).fetch()).friendlyName).toBe('A only');
    });

    it('lists none of them, and may take the same unique name', async () => {
      expect((await plans(bob).list()).map((p) => p.sid)).not.toContain(plan.sid);
      const own = await plans(bob).create({ uniqueName: plan.uniqueName });
      expect(own.accountSid).toBe(b.accountSid);
      expect((await plans(bob).get(plan.uniqueName).fetch()).sid).toBe(own.sid);
      expect((await plans().get(plan.uniqueName).fetch()).sid).toBe(plan.sid);
    });

    it('deletes its own plan whatever Sims the other account has on a plan of the same name', async () => {
      // A's Sim on A's plan counts for A only: B's plan of the same unique name deletes.
      await insertSim(testApp, await tenantIdOf(testApp, a.tenant), { ratePlanSid: plan.sid });
      expect(await plans(bob).get(plan.uniqueName).remove()).toBe(true);
    });
  });

  describe('paging', () => {
    let pager: TestTwilioClient;
    let expected: string[];

    beforeAll(async () => {
      const tenant = await createTenant(testApp, 'Rate Plans Pager');
      pager = await twilioClient(testApp, tenant);
      for (let batch = 0; batch < 12; batch++) {
        await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            pager.client.wireless.v1.ratePlans.create({ friendlyName: `plan ${batch * 10 + i}` }),
          ),
        );
      }
      const rows = await testApp.dataSource.query<{ sid: string }[]>(
        `SELECT sid FROM wireless_rate_plans WHERE tenant_id = $1 ORDER BY created_at, sid`,
        [await tenantIdOf(testApp, tenant.tenant)],
      );
      expected = rows.map((row) => row.sid);
      expect(
        pager.exchanges.splice(0).flatMap((answer) => twilioAnswerProblems('wireless', answer)),
      ).toEqual([]);
    });
    afterEach(() => {
      expect(
        pager.exchanges.splice(0).flatMap((answer) => twilioAnswerProblems('wireless', answer)),
      ).toEqual([]);
    });

    it('walks 120 rate plans in order of creation with each(), 50 a page: three pages', async () => {
      const seen: string[] = [];
      await new Promise<void>((resolve, reject) =>
        pager.client.wireless.v1.ratePlans.each({
          pageSize: 50,
          callback: (plan) => void seen.push(plan.sid),
          done: (error?: Error) => (error ? reject(error) : resolve()),
        }),
      );
      expect(seen).toEqual(expected);
      const pages = pager.exchanges.map(
        (exchange) => exchange.body as { meta: Record<string, unknown> },
      );
      expect(pages.map(({ meta }) => [meta.page, meta.page_size, meta.key])).toEqual([
        [0, 50, 'rate_plans'],
        [1, 50, 'rate_plans'],
        [2, 50, 'rate_plans'],
      ]);
      expect(pages[0].meta).toMatchObject({
        first_page_url: `${origin}${LIST}?PageSize=50&Page=0`,
        url: `${origin}${LIST}?PageSize=50&Page=0`,
        previous_page_url: null,
      });
      expect(pages[0].meta.next_page_url).toMatch(
        new RegExp(`^${origin}${LIST}\\?PageSize=50&Page=1&PageToken=PA[A-Za-z0-9_-]+$`),
      );
      expect(pages[2].meta.next_page_url).toBeNull();
      expect(pages[2].meta.previous_page_url).toMatch(/&Page=1&PageToken=PB/);
    });

    it('lists 50 by default and all 120 with PageSize=1000; lists without a limit send no query', async () => {
      const first = await pager.client.wireless.v1.ratePlans.page();
      expect(first.instances.map((plan) => plan.sid)).toEqual(expected.slice(0, 50));
      expect(pager.exchanges[0].url).toBe(`${origin}${LIST}`);
      const all = await pager.client.wireless.v1.ratePlans.page({ pageSize: 1000 });
      expect(all.instances).toHaveLength(120);
      expect(
        (pager.exchanges[1].body as { meta: { next_page_url: unknown } }).meta.next_page_url,
      ).toBeNull();
    });

    it('goes back a page with previous_page_url, to the same rows', async () => {
      const first = await pager.client.wireless.v1.ratePlans.page({ pageSize: 40 });
      const second = (await first.nextPage())!;
      const third = (await second.nextPage())!;
      const backToSecond = (await third.previousPage())!;
      const backToFirst = (await backToSecond.previousPage())!;
      expect(backToSecond.instances.map((p) => p.sid)).toEqual(expected.slice(40, 80));
      expect(backToFirst.instances.map((p) => p.sid)).toEqual(expected.slice(0, 40));
      expect(await backToFirst.previousPage()).toBeUndefined();
      expect(await third.nextPage()).toBeUndefined();
    });

    it('keeps its place when rows before it are deleted (keyset, not offset)', async () => {
      const first = await pager.client.wireless.v1.ratePlans.page({ pageSize: 10 });
      await testApp.dataSource.getRepository(RatePlanEntity).delete(expected.slice(0, 5));
      const second = (await first.nextPage())!;
      expect(second.instances.map((p) => p.sid)).toEqual(expected.slice(10, 20));
    });

    it.each([
      ['PageSize=1001', 20007, 'Page size too large: PageSize must be at most 1000'],
      ['PageSize=0', 20001, 'Invalid parameter PageSize: must be at least 1'],
      ['PageSize=ten', 20001, 'Invalid parameter PageSize: must be an integer'],
      ['Page=-1', 20001, 'Invalid parameter Page: must be at least 0'],
      ['PageToken=garbage', 21481, 'Invalid PageToken'],
      [
        `PageToken=PA${Buffer.from('["2026-01-01T00:00:00.000000Z","DE00000000000000000000000000000000"]').toString('base64url')}`,
        21481,
        'Invalid PageToken',
      ],
      [
        `PageToken=PA${Buffer.from('["yesterday","WP00000000000000000000000000000000"]').toString('base64url')}`,
        21481,
        'Invalid PageToken',
      ],
    ])('refuses %s', async (query, code, message) => {
      const response = await raw('GET', `${LIST}?${query}`);
      expect(response.body).toEqual(twilioError(400, code, message));
    });
  });
});

describe('Wireless v1 behind a trusted proxy (TRUST_PROXY=true)', () => {
  let testApp: TestApp;
  let tenant: TenantCredentials;
  beforeAll(async () => {
    testApp = await createTestApp({ env: { TRUST_PROXY: 'true' } });
    tenant = await createTenant(testApp);
  });
  afterAll(() => testApp.close());

  it('builds absolute URLs from X-Forwarded-Proto and X-Forwarded-Host', async () => {
    const response = await testApp.http
      .post(LIST)
      .auth(tenant.accountSid, tenant.authToken)
      .set({ 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'fleet.example.com' })
      .type('form')
      .send('UniqueName=proxied');
    expect(response.status).toBe(201);
    expect((response.body as { url: string }).url).toBe(
      `https://fleet.example.com${LIST}/${(response.body as { sid: string }).sid}`,
    );
  });
});

describe('Wireless v1 without a trusted proxy (the default)', () => {
  let testApp: TestApp;
  let tenant: TenantCredentials;
  beforeAll(async () => {
    testApp = await createTestApp();
    tenant = await createTenant(testApp);
  });
  afterAll(() => testApp.close());

  it('ignores X-Forwarded-Proto and X-Forwarded-Host', async () => {
    const response = await testApp.http
      .get(`${LIST}?PageSize=5`)
      .auth(tenant.accountSid, tenant.authToken)
      .set({
        Host: 'api.internal:8080',
        'X-Forwarded-Proto': 'https',
        'X-Forwarded-Host': 'evil.example',
      });
    expect(response.status).toBe(200);
    expect((response.body as { meta: { url: string } }).meta.url).toBe(
      `http://api.internal:8080${LIST}?PageSize=5&Page=0`,
    );
  });
});

describe('Wireless v1 and the request limits', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp({
      redis: false,
      env: { RATE_LIMIT_API_PER_MINUTE: '3', RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '2' },
    });
  });
  afterAll(() => testApp.close());

  it("spends the tenant's request limit: past it, 429 with 20429 and Retry-After", async () => {
    const tenant = await createTenant(testApp);
    const list = () => testApp.http.get(LIST).auth(tenant.accountSid, tenant.authToken);
    for (let i = 0; i < 3; i++) expect((await list()).status).toBe(200);
    const refused = await list();
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('60');
    expect(refused.body).toEqual(
      twilioError(
        429,
        20429,
        'Too many requests for this tenant: at most 3 per minute; retry in 60 s',
      ),
    );
  });

  it('counts failed authentications against the address: past the limit, 429 with 20429', async () => {
    const tenant = await createTenant(testApp);
    const wrong = () => testApp.http.get(LIST).auth(tenant.accountSid, 'not-the-token');
    expect((await wrong()).status).toBe(401);
    expect((await wrong()).status).toBe(401);
    const refused = await testApp.http.get(LIST).auth(tenant.accountSid, tenant.authToken);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(refused.body).toMatchObject({ code: 20429, status: 429 });
  });
});

import type { TenantCredentials } from '../src/auth/tenants.service';
import { MicrovisorDeviceEntity } from '../src/microvisor/entities/device.entity';
import { sampleBundle } from './factories/bundle.factory';
import { registerDevice, uploadApp } from './factories/microvisor.factory';
import { createTenant, tenantIdOf } from './factories/tenant.factory';
import { holdClock } from './utils/held-clock';
import { listeningUrl } from './utils/listening-url';
import { createTestApp, type TestApp } from './utils/test-app';
import { twilioClient, type TestTwilioClient } from './utils/twilio-client';
import { rejection, twilioError } from './utils/twilio-answers';
import { twilioAnswerProblems } from './utils/twilio-schema';

const DEVICES = '/microvisor/v1/Devices';
const DAY_MS = 24 * 3600 * 1000;
const twilioDate = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** The `app` and `logging` objects of a Device nothing was asked of yet. */
const UNTOUCHED = {
  app: {
    target_sid: null,
    target_hash: null,
    date_targeted: null,
    update_status: 'up-to-date',
    update_error_code: 0,
    reported_sid: null,
    date_reported: null,
  },
  logging: { enabled: false, date_expires: null },
};

describe('Microvisor v1 Devices through the official twilio client', () => {
  let testApp: TestApp;
  let origin: string;
  let a: TenantCredentials;
  let b: TenantCredentials;
  let alice: TestTwilioClient;
  let bob: TestTwilioClient;

  beforeAll(async () => {
    testApp = await createTestApp();
    origin = await listeningUrl(testApp);
    a = await createTenant(testApp, 'Microvisor Devices A');
    b = await createTenant(testApp, 'Microvisor Devices B');
    alice = await twilioClient(testApp, a);
    bob = await twilioClient(testApp, b);
  });
  afterAll(() => testApp.close());

  afterEach(() => {
    const answers = [...alice.exchanges.splice(0), ...bob.exchanges.splice(0)];
    expect(answers.flatMap((answer) => twilioAnswerProblems('microvisor', answer))).toEqual([]);
  });

  const devices = (client: TestTwilioClient = alice) => client.client.microvisor.v1.devices;
  /** The JSON of the client's last answer, as the server wrote it. */
  const lastBody = (client: TestTwilioClient = alice) =>
    client.exchanges.at(-1)?.body as Record<string, unknown>;

  describe('fetch', () => {
    it('answers a registered Device with every field, by SID (either case) or unique name', async () => {
      const device = await registerDevice(testApp, a, 'gateway-7');
      for (const key of [device.sid, `UV${device.sid.slice(2).toUpperCase()}`, 'gateway-7']) {
        await devices().get(key).fetch();
        const url = `${origin}${DEVICES}/${device.sid}`;
        expect(lastBody()).toEqual({
          sid: device.sid,
          unique_name: 'gateway-7',
          account_sid: a.accountSid,
          ...UNTOUCHED,
          date_created: expect.stringMatching(/Z$/) as string,
          date_updated: expect.stringMatching(/Z$/) as string,
          url,
          links: { device_configs: `${url}/Configs`, device_secrets: `${url}/Secrets` },
        });
      }
    });

    it.each([
      ['an unknown SID', `UV${'0'.repeat(32)}`],
      ['an unknown unique name', 'nobody'],
      ['a SID of another resource', `KA${'0'.repeat(32)}`],
    ])('%s is 404 (20404) on fetch and update', async (_case, key) => {
      for (const call of [
        () => devices().get(key).fetch(),
        () => devices().get(key).update({ loggingEnabled: true }),
      ]) {
        expect(await rejection(call())).toMatchObject({
          status: 404,
          code: 20404,
          message: `The requested resource /Devices/${key} was not found`,
        });
      }
    });

    it('answers a wrong auth token with 401 and the Basic challenge', async () => {
      const response = await testApp.http.get(DEVICES).auth(a.accountSid, b.authToken);
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Basic realm="Twilio API"');
      expect(response.body).toEqual(
        twilioError(
          401,
          20003,
          'Authentication Error - Your AccountSid or AuthToken was incorrect',
        ),
      );
    });
  });

  describe('update', () => {
    it('sets and changes the unique name; a name another Device has is 409 (20409)', async () => {
      const device = await registerDevice(testApp, a);
      await devices().get(device.sid).update({ uniqueName: 'first-name' });
      expect(lastBody()).toMatchObject({ unique_name: 'first-name' });
      await devices().get('first-name').update({ uniqueName: 'second-name' });
      expect((await devices().get('second-name').fetch()).sid).toBe(device.sid);

      await registerDevice(testApp, a, 'held-name');
      expect(
        await rejection(devices().get(device.sid).update({ uniqueName: 'held-name' })),
      ).toMatchObject({
        status: 409,
        code: 20409,
        message: 'Conflict: "held-name" is the unique name of another Device of this account',
      });
      expect((await devices().get(device.sid).fetch()).uniqueName).toBe('second-name');
    });

    it('targets an App by SID or unique name: target_hash is its hash, pending until reported', async () => {
      const device = await registerDevice(testApp, a);
      const first = await uploadApp(testApp, a, await sampleBundle('one'), 'app-one');
      const second = await uploadApp(testApp, a, await sampleBundle('two'));
      const before = Date.now();
      await devices().get(device.sid).update({ targetApp: 'app-one' });
      expect(lastBody().app).toEqual({
        ...UNTOUCHED.app,
        target_sid: first.sid,
        target_hash: first.hash,
        date_targeted: expect.stringMatching(/Z$/) as string,
        update_status: 'pending',
      });
      const targeted = Date.parse((lastBody().app as { date_targeted: string }).date_targeted);
      expect(targeted).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(targeted).toBeLessThanOrEqual(Date.now());

      await devices().get(device.sid).update({ targetApp: second.sid });
      expect(lastBody().app).toMatchObject({ target_sid: second.sid, target_hash: second.hash });
      // Lists show each Device's target hash too.
      const listed = (await devices().list()).find((each) => each.sid === device.sid);
      expect(listed?.app).toMatchObject({ target_sid: second.sid, target_hash: second.hash });
    });

    it('refuses a TargetApp that names no App of the account (400, 20001), changing nothing', async () => {
      const device = await registerDevice(testApp, a, 'untargeted');
      for (const key of [`KA${'0'.repeat(32)}`, 'no-such-app']) {
        expect(
          await rejection(
            devices().get(device.sid).update({ targetApp: key, uniqueName: 'renamed' }),
          ),
        ).toMatchObject({
          status: 400,
          code: 20001,
          message: `Invalid parameter TargetApp: no App of this account has the SID or unique name "${key}"`,
        });
      }
      await devices().get(device.sid).fetch();
      expect(lastBody()).toMatchObject({ unique_name: 'untargeted', ...UNTOUCHED });
    });

    it('turns logging on for 24 hours from the update, extends it, turns it off', async () => {
      const device = await registerDevice(testApp, a);
      const start = Date.parse('2031-05-01T10:00:00Z');
      const clock = holdClock(start);
      try {
        await devices().get(device.sid).update({ loggingEnabled: true });
        expect(lastBody().logging).toEqual({
          enabled: true,
          date_expires: twilioDate(start + DAY_MS),
        });

        clock.set(start + 6 * 3600 * 1000);
        await devices().get(device.sid).update({ loggingEnabled: true });
        expect(lastBody().logging).toEqual({
          enabled: true,
          date_expires: twilioDate(start + 6 * 3600 * 1000 + DAY_MS),
        });

        clock.set(start + 6 * 3600 * 1000 + DAY_MS + 1000);
        await devices().get(device.sid).fetch();
        expect(lastBody().logging).toEqual({ enabled: false, date_expires: null });

        await devices().get(device.sid).update({ loggingEnabled: true });
        await devices().get(device.sid).update({ loggingEnabled: false });
        expect(lastBody().logging).toEqual({ enabled: false, date_expires: null });
      } finally {
        clock.release();
      }
    });

    it('RestartApp=true makes the update pending (until a check-in collects it)', async () => {
      const device = await registerDevice(testApp, a);
      await devices().get(device.sid).update({ restartApp: true });
      expect(lastBody().app).toEqual({ ...UNTOUCHED.app, update_status: 'pending' });
      const stored = await testApp.dataSource
        .getRepository(MicrovisorDeviceEntity)
        .findOneByOrFail({ sid: device.sid });
      expect(stored.restartRequestedAt).toBeInstanceOf(Date);
    });

    it('answers an update without parameters with the Device as it is', async () => {
      const device = await registerDevice(testApp, a, 'as-it-is');
      const before = (await devices().get(device.sid).fetch()).toJSON();
      const same = await devices().get(device.sid).update();
      expect(same.toJSON()).toEqual(before);
    });

    it.each([
      ['UniqueName=', 'UniqueName', 'must not be empty'],
      [`UniqueName=UV${'a'.repeat(32)}`, 'UniqueName', 'must not have the shape of a SID'],
      [`UniqueName=${'u'.repeat(65)}`, 'UniqueName', 'must be at most 64 characters'],
      [`TargetApp=${'t'.repeat(65)}`, 'TargetApp', 'must be at most 64 characters'],
      ['LoggingEnabled=yes', 'LoggingEnabled', 'must be true or false'],
      ['RestartApp=1', 'RestartApp', 'must be true or false'],
      ['RestartApp=true&RestartApp=true', 'RestartApp', 'must be given once'],
    ])('refuses %s (400, 20001) and changes nothing', async (form, name, why) => {
      const device = await registerDevice(testApp, a);
      const response = await testApp.http
        .post(`${DEVICES}/${device.sid}`)
        .auth(a.accountSid, a.authToken)
        .type('form')
        .send(form);
      expect(response.body).toEqual(twilioError(400, 20001, `Invalid parameter ${name}: ${why}`));
      await devices().get(device.sid).fetch();
      expect(lastBody()).toMatchObject(UNTOUCHED);
    });
  });

  describe('paging', () => {
    let pager: TestTwilioClient;
    let expected: string[];

    beforeAll(async () => {
      const tenant = await createTenant(testApp, 'Microvisor Devices Pager');
      pager = await twilioClient(testApp, tenant);
      for (let i = 0; i < 8; i++) await registerDevice(testApp, tenant, `device-${i}`);
      const rows = await testApp.dataSource.query<{ sid: string }[]>(
        `SELECT sid FROM microvisor_devices WHERE tenant_id = $1 ORDER BY created_at, sid`,
        [await tenantIdOf(testApp, tenant.tenant)],
      );
      expected = rows.map((row) => row.sid);
    });
    afterEach(() => {
      expect(
        pager.exchanges.splice(0).flatMap((answer) => twilioAnswerProblems('microvisor', answer)),
      ).toEqual([]);
    });

    it('walks the Devices in order of registration with each(), 3 a page: three pages', async () => {
      const seen: string[] = [];
      await new Promise<void>((resolve, reject) =>
        pager.client.microvisor.v1.devices.each({
          pageSize: 3,
          callback: (device) => void seen.push(device.sid),
          done: (error?: Error) => (error ? reject(error) : resolve()),
        }),
      );
      expect(seen).toEqual(expected);
      expect(pager.exchanges.map((exchange) => (exchange.body as { meta: object }).meta)).toEqual([
        expect.objectContaining({ page: 0, page_size: 3, key: 'devices', previous_page_url: null }),
        expect.objectContaining({ page: 1, page_size: 3, key: 'devices' }),
        expect.objectContaining({ page: 2, page_size: 3, key: 'devices', next_page_url: null }),
      ]);
    });

    it('goes back a page with previous_page_url, to the same Devices', async () => {
      const first = await pager.client.microvisor.v1.devices.page({ pageSize: 3 });
      const second = (await first.nextPage())!;
      const back = (await second.previousPage())!;
      expect(second.instances.map((device) => device.sid)).toEqual(expected.slice(3, 6));
      expect(back.instances.map((device) => device.sid)).toEqual(expected.slice(0, 3));
    });
  });

  describe('tenant isolation: another account sees and changes nothing of these', () => {
    let device: { sid: string };

    beforeAll(async () => {
      device = await registerDevice(testApp, a, 'isolated-device');
    });

    it('fetch and update by SID or unique name are 404, and change nothing', async () => {
      for (const key of [device.sid, 'isolated-device']) {
        for (const call of [
          () => devices(bob).get(key).fetch(),
          () => devices(bob).get(key).update({ uniqueName: 'b-was-here', restartApp: true }),
        ]) {
          expect(await rejection(call())).toMatchObject({ status: 404, code: 20404 });
        }
      }
      await devices().get(device.sid).fetch();
      expect(lastBody()).toMatchObject({ unique_name: 'isolated-device', ...UNTOUCHED });
    });

    it('lists none of them, and may name its own Device the same', async () => {
      expect((await devices(bob).list()).map((listed) => listed.sid)).not.toContain(device.sid);
      const own = await registerDevice(testApp, b, 'isolated-device');
      expect((await devices(bob).get('isolated-device').fetch()).sid).toBe(own.sid);
      expect((await devices().get('isolated-device').fetch()).sid).toBe(device.sid);
    });
  });
});

import { createHash } from 'node:crypto';
import type { TenantCredentials } from '../src/auth/tenants.service';
import { MicrovisorDeviceEntity } from '../src/microvisor/entities/device.entity';
import { buildBundle, sampleBundle } from './factories/bundle.factory';
import { registerDevice, uploadApp } from './factories/microvisor.factory';
import { createTenant } from './factories/tenant.factory';
import { listeningUrl } from './utils/listening-url';
import { createTestApp, type TestApp } from './utils/test-app';
import { twilioClient, type TestTwilioClient } from './utils/twilio-client';
import { twilioError } from './utils/twilio-answers';
import { twilioAnswerProblems, twilioErrorProblems } from './utils/twilio-schema';

const CHECK_IN = '/microvisor/device/v1/check-in';
const bundlePath = (sid: string) => `/microvisor/device/v1/apps/${sid}/bundle`;
const CHALLENGE = 'Bearer realm="FleetHub Microvisor devices"';
const TWILIO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

interface CheckInAnswer {
  device_sid: string;
  target_app: { sid: string; hash: string; bundle_url: string } | null;
  configs: { device: { key: string; value: string }[]; account: { key: string; value: string }[] };
  secrets: { device: { key: string; value: string }[]; account: { key: string; value: string }[] };
  logging: { enabled: boolean; date_expires: string | null };
  restart_app: boolean;
}

const NO_SETTINGS = { device: [], account: [] };

describe('Microvisor device side: check-in and bundle download', () => {
  let testApp: TestApp;
  let origin: string;
  let a: TenantCredentials;
  let b: TenantCredentials;
  let alice: TestTwilioClient;
  /** Every answer of the device side: each error must be in Twilio's format. */
  const answers: { status: number; body: unknown }[] = [];

  beforeAll(async () => {
    testApp = await createTestApp();
    origin = await listeningUrl(testApp);
    a = await createTenant(testApp, 'Microvisor Devices A');
    b = await createTenant(testApp, 'Microvisor Devices B');
    alice = await twilioClient(testApp, a);
  });
  afterAll(() => testApp.close());

  afterEach(() => {
    expect(
      alice.exchanges.splice(0).flatMap((answer) => twilioAnswerProblems('microvisor', answer)),
    ).toEqual([]);
    expect(
      answers
        .splice(0)
        .filter(({ status }) => status >= 400)
        .flatMap(({ status, body }) => twilioErrorProblems(status, body)),
    ).toEqual([]);
  });

  const devices = () => alice.client.microvisor.v1.devices;

  /** A check-in as a Device sends it: its credential, a JSON report. */
  async function checkIn(credential: string | null, report: unknown, type = 'application/json') {
    let request = testApp.http.post(CHECK_IN).set('Content-Type', type);
    if (credential !== null) request = request.set('Authorization', `Bearer ${credential}`);
    const response = await request.send(
      typeof report === 'string' ? report : JSON.stringify(report),
    );
    answers.push({ status: response.status, body: response.body });
    return { status: response.status, headers: response.headers, body: response.body as unknown };
  }

  async function reported(credential: string, report: unknown): Promise<CheckInAnswer> {
    const response = await checkIn(credential, report);
    expect(response.status).toBe(200);
    return response.body as CheckInAnswer;
  }

  async function download(credential: string | null, path: string) {
    let request = testApp.http
      .get(path)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      });
    if (credential !== null) request = request.set('Authorization', `Bearer ${credential}`);
    const response = await request;
    const bytes = response.body as Buffer;
    const body: unknown = response.status >= 400 ? JSON.parse(bytes.toString('utf8')) : bytes;
    answers.push({ status: response.status, body });
    return { status: response.status, headers: response.headers, body };
  }

  /** The Device's `app` object as the API answers it. */
  async function appState(sid: string): Promise<Record<string, unknown>> {
    await devices().get(sid).fetch();
    return (alice.exchanges.at(-1)!.body as { app: Record<string, unknown> }).app;
  }

  describe('an update, end to end', () => {
    it('upload → TargetApp → pending → check-in gets the target and downloads exactly the bytes → reports it → up-to-date', async () => {
      const bundle = await buildBundle([
        ['app.bin', Buffer.from('\x7fELF the new firmware '.repeat(500), 'latin1')],
        ['manifest.json', '{"version":"2.0.0"}'],
      ]);
      const app = await uploadApp(testApp, a, bundle, 'firmware-2.0.0');
      const device = await registerDevice(testApp, a, 'tracker-17');

      // A Device with no target checks in: nothing to do.
      const idle = await reported(device.credential, {
        reported_app_sid: null,
        update_error_code: 0,
      });
      expect(idle).toEqual({
        device_sid: device.sid,
        target_app: null,
        configs: NO_SETTINGS,
        secrets: NO_SETTINGS,
        logging: { enabled: false, date_expires: null },
        restart_app: false,
      });

      await devices().get('tracker-17').update({ targetApp: 'firmware-2.0.0' });
      expect(await appState(device.sid)).toMatchObject({
        target_sid: app.sid,
        target_hash: app.hash,
        update_status: 'pending',
      });

      const told = await reported(device.credential, {
        reported_app_sid: null,
        update_error_code: 0,
      });
      const bundleUrl = `${origin}${bundlePath(app.sid)}`;
      expect(told.target_app).toEqual({ sid: app.sid, hash: app.hash, bundle_url: bundleUrl });
      // Still running nothing: still pending.
      expect(await appState(device.sid)).toMatchObject({ update_status: 'pending' });

      const downloaded = await download(device.credential, new URL(bundleUrl).pathname);
      expect(downloaded.status).toBe(200);
      expect(downloaded.headers['content-type']).toBe('application/zip');
      expect(Buffer.isBuffer(downloaded.body) && downloaded.body.equals(bundle)).toBe(true);
      expect(`sha256:${sha256(downloaded.body as Buffer)}`).toBe(told.target_app!.hash);

      const before = Date.now();
      await reported(device.credential, { reported_app_sid: app.sid, update_error_code: 0 });
      const state = await appState(device.sid);
      expect(state).toEqual({
        target_sid: app.sid,
        target_hash: app.hash,
        date_targeted: expect.stringMatching(TWILIO_DATE) as string,
        update_status: 'up-to-date',
        update_error_code: 0,
        reported_sid: app.sid,
        date_reported: expect.stringMatching(TWILIO_DATE) as string,
      });
      expect(Date.parse(state.date_reported as string)).toBeGreaterThanOrEqual(
        Math.floor(before / 1000) * 1000,
      );
    });

    it('records a reported failure: error with its code, reported_sid null; a later success clears it', async () => {
      const app = await uploadApp(testApp, a, await sampleBundle('fails'));
      const device = await registerDevice(testApp, a);
      await devices().get(device.sid).update({ targetApp: app.sid });

      await reported(device.credential, { reported_app_sid: null, update_error_code: 4107 });
      expect(await appState(device.sid)).toMatchObject({
        target_sid: app.sid,
        update_status: 'error',
        update_error_code: 4107,
        reported_sid: null,
        date_reported: expect.stringMatching(TWILIO_DATE) as string,
      });

      // The SID's hex in capitals is the same App.
      const upper = `KA${app.sid.slice(2).toUpperCase()}`;
      await reported(device.credential, { reported_app_sid: upper });
      expect(await appState(device.sid)).toMatchObject({
        update_status: 'up-to-date',
        update_error_code: 0,
        reported_sid: app.sid,
      });
    });

    it('keeps a Device that reports another App pending, and a new target pending again', async () => {
      const first = await uploadApp(testApp, a, await sampleBundle('first'));
      const second = await uploadApp(testApp, a, await sampleBundle('second'));
      const device = await registerDevice(testApp, a);
      await devices().get(device.sid).update({ targetApp: first.sid });
      await reported(device.credential, { reported_app_sid: first.sid, update_error_code: 0 });
      expect(await appState(device.sid)).toMatchObject({ update_status: 'up-to-date' });

      await devices().get(device.sid).update({ targetApp: second.sid });
      expect(await appState(device.sid)).toMatchObject({
        update_status: 'pending',
        reported_sid: first.sid,
      });
      const told = await reported(device.credential, {
        reported_app_sid: first.sid,
        update_error_code: 0,
      });
      expect(told.target_app?.sid).toBe(second.sid);
      expect(await appState(device.sid)).toMatchObject({ update_status: 'pending' });
      // The previous target's bundle is no longer this Device's to download.
      expect((await download(device.credential, bundlePath(first.sid))).status).toBe(404);
    });
  });

  describe('restart and logging', () => {
    it('delivers a restart once: pending until the next check-in collects it', async () => {
      const app = await uploadApp(testApp, a, await sampleBundle('restart'));
      const device = await registerDevice(testApp, a);
      await devices().get(device.sid).update({ targetApp: app.sid });
      await reported(device.credential, { reported_app_sid: app.sid, update_error_code: 0 });

      await devices().get(device.sid).update({ restartApp: true });
      expect(await appState(device.sid)).toMatchObject({ update_status: 'pending' });
      const first = await reported(device.credential, {
        reported_app_sid: app.sid,
        update_error_code: 0,
      });
      expect(first.restart_app).toBe(true);
      expect(await appState(device.sid)).toMatchObject({ update_status: 'up-to-date' });
      const second = await reported(device.credential, {
        reported_app_sid: app.sid,
        update_error_code: 0,
      });
      expect(second.restart_app).toBe(false);
    });

    it('tells the Device its logging and until when, as the API shows it', async () => {
      const device = await registerDevice(testApp, a);
      await devices().get(device.sid).update({ loggingEnabled: true });
      const logging = (alice.exchanges.at(-1)!.body as { logging: unknown }).logging;
      expect(logging).toEqual({
        enabled: true,
        date_expires: expect.stringMatching(TWILIO_DATE) as string,
      });
      const told = await reported(device.credential, { reported_app_sid: null });
      expect(told.logging).toEqual(logging);
    });
  });

  describe('configs and secrets', () => {
    it("gives a Device its own and its account's, secrets in clear; another Device only the account's; another account's none", async () => {
      const device = await registerDevice(testApp, a);
      const sibling = await registerDevice(testApp, a);
      const stranger = await registerDevice(testApp, b);
      const microvisor = alice.client.microvisor.v1;
      await microvisor.accountConfigs.create({ key: 'server', value: 'mqtts://fleet.example' });
      await microvisor.accountSecrets.create({ key: 'api-key', value: 'account secret value' });
      await microvisor.devices(device.sid).deviceConfigs.create({ key: 'interval', value: '60' });
      await microvisor
        .devices(device.sid)
        .deviceSecrets.create({ key: 'wifi-psk', value: 'device secret value' });

      const own = await reported(device.credential, { reported_app_sid: null });
      expect(own.configs).toEqual({
        device: [{ key: 'interval', value: '60' }],
        account: [{ key: 'server', value: 'mqtts://fleet.example' }],
      });
      expect(own.secrets).toEqual({
        device: [{ key: 'wifi-psk', value: 'device secret value' }],
        account: [{ key: 'api-key', value: 'account secret value' }],
      });

      const siblings = await reported(sibling.credential, { reported_app_sid: null });
      expect(siblings.configs.device).toEqual([]);
      expect(siblings.secrets).toEqual({
        device: [],
        account: [{ key: 'api-key', value: 'account secret value' }],
      });

      const strangers = await reported(stranger.credential, { reported_app_sid: null });
      expect(JSON.stringify(strangers)).not.toMatch(/secret value|fleet\.example|interval/);
    });
  });

  describe('what a Device may not do', () => {
    let app: { sid: string };
    let device: { sid: string; credential: string };
    let rowBefore: MicrovisorDeviceEntity;

    const row = () =>
      testApp.dataSource.getRepository(MicrovisorDeviceEntity).findOneByOrFail({ sid: device.sid });

    beforeAll(async () => {
      app = await uploadApp(testApp, a, await sampleBundle('guarded'));
      device = await registerDevice(testApp, a);
      await devices().get(device.sid).update({ targetApp: app.sid });
      alice.exchanges.splice(0);
      rowBefore = await row();
    });
    afterAll(async () => {
      // None of the refused requests changed the Device.
      expect(await row()).toEqual(rowBefore);
    });

    it.each([
      [
        'no credential',
        null,
        'Authentication Error - No device credential provided (Authorization: Bearer <credential>)',
      ],
      [
        'a wrong credential',
        'x'.repeat(43),
        'Authentication Error - The device credential is incorrect',
      ],
    ])(
      'answers %s with 401 (20003) and the Bearer challenge, on both routes',
      async (_case, credential, message) => {
        const checkedIn = await checkIn(credential, { reported_app_sid: null });
        const downloaded = await download(credential, bundlePath(app.sid));
        for (const response of [checkedIn, downloaded]) {
          expect(response.status).toBe(401);
          expect(response.headers['www-authenticate']).toBe(CHALLENGE);
          expect(response.body).toEqual(twilioError(401, 20003, message));
        }
      },
    );

    it("refuses the account's Twilio credentials: they are not a Device's", async () => {
      const response = await testApp.http
        .post(CHECK_IN)
        .auth(a.accountSid, a.authToken)
        .send({ reported_app_sid: null });
      answers.push({ status: response.status, body: response.body });
      expect(response.status).toBe(401);
    });

    it("answers 404 for any bundle but its target: another App of its account, another Device's target, no App", async () => {
      const untargeted = await uploadApp(testApp, a, await sampleBundle('untargeted'));
      const other = await registerDevice(testApp, a);
      const othersApp = await uploadApp(testApp, a, await sampleBundle('others'));
      await devices().get(other.sid).update({ targetApp: othersApp.sid });
      for (const sid of [untargeted.sid, othersApp.sid, `KA${'0'.repeat(32)}`, 'not-a-sid']) {
        const response = await download(device.credential, bundlePath(sid));
        expect(response.body).toEqual(
          twilioError(404, 20404, `The requested resource /apps/${sid}/bundle was not found`),
        );
      }
      // The other Device downloads its own; this one still its own.
      expect((await download(other.credential, bundlePath(othersApp.sid))).status).toBe(200);
      expect((await download(device.credential, bundlePath(app.sid))).status).toBe(200);
    });

    it.each<[string, unknown, string]>([
      [
        'a SID of another kind',
        { reported_app_sid: `UV${'0'.repeat(32)}` },
        'Invalid parameter reported_app_sid: reported_app_sid must be the SID of an App (KA…) or null',
      ],
      [
        'no reported_app_sid',
        { update_error_code: 0 },
        'Invalid parameter reported_app_sid: reported_app_sid must be the SID of an App (KA…) or null',
      ],
      [
        'a negative error code',
        { reported_app_sid: null, update_error_code: -1 },
        'Invalid parameter update_error_code: update_error_code must be at least 0',
      ],
      [
        'a fractional error code',
        { reported_app_sid: null, update_error_code: 1.5 },
        'Invalid parameter update_error_code: update_error_code must be an integer',
      ],
      [
        'a null error code',
        { reported_app_sid: null, update_error_code: null },
        'Invalid parameter update_error_code: update_error_code must be an integer',
      ],
      ['an array', [{ reported_app_sid: null }], 'The body must be a JSON object'],
    ])('refuses %s (400, 20001)', async (_case, report, message) => {
      const response = await checkIn(device.credential, report);
      expect(response.body).toEqual(twilioError(400, 20001, message));
    });

    it('refuses a body that is not JSON (400) or not declared JSON (415)', async () => {
      expect((await checkIn(device.credential, '{"reported_app_sid":')).status).toBe(400);
      const form = await checkIn(
        device.credential,
        'reported_app_sid=',
        'application/x-www-form-urlencoded',
      );
      expect(form.status).toBe(415);
      expect(form.body).toMatchObject({ code: 20415 });
    });
  });
});

describe('Microvisor device side and the request limits', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp({ redis: false, env: { RATE_LIMIT_API_PER_MINUTE: '2' } });
  });
  afterAll(() => testApp.close());

  it("spends no tenant's request limit: a fleet's check-ins are its Devices', not its API calls", async () => {
    const tenant = await createTenant(testApp);
    const device = await registerDevice(testApp, tenant);
    for (let i = 0; i < 5; i++) {
      const response = await testApp.http
        .post(CHECK_IN)
        .set('Authorization', `Bearer ${device.credential}`)
        .send({ reported_app_sid: null });
      expect(response.status).toBe(200);
    }
  });
});

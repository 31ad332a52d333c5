import { AppUploadController } from '../../src/microvisor/app-upload.controller';
import { AppsService } from '../../src/microvisor/apps.service';
import { CheckInService } from '../../src/microvisor/device-side/check-in.service';
import { DeviceSideController } from '../../src/microvisor/device-side/device-side.controller';
import { DevicesController } from '../../src/microvisor/devices.controller';
import { DevicesService } from '../../src/microvisor/devices.service';
import type { MicrovisorAppEntity } from '../../src/microvisor/entities/app.entity';
import type { MicrovisorDeviceEntity } from '../../src/microvisor/entities/device.entity';
import { twilioError } from '../utils/twilio-answers';
import {
  STUB_ACCOUNT_PRINCIPAL,
  TWILIO_CREDENTIALS,
  createContractApp,
  type ContractApp,
} from './contract-app';

const TENANT = STUB_ACCOUNT_PRINCIPAL.tenantId;
const APP_SID = 'KA0123456789abcdef0123456789abcdef';
const DEVICE_SID = 'UV0123456789abcdef0123456789abcdef';
const CREATED = new Date('2026-01-02T03:04:05.678Z');

const storedApp: MicrovisorAppEntity = {
  sid: APP_SID,
  tenantId: TENANT,
  uniqueName: 'fw',
  hash: 'sha256:00',
  bundle: Buffer.from('PK'),
  manifest: Buffer.from('{"entries":[]}'),
  createdAt: CREATED,
  updatedAt: CREATED,
};

const storedDevice: MicrovisorDeviceEntity = {
  sid: DEVICE_SID,
  tenantId: TENANT,
  uniqueName: null,
  credentialHash: Buffer.alloc(32),
  targetAppSid: null,
  targetedAt: null,
  updateStatus: 'up-to-date',
  updateErrorCode: 0,
  reportedAppSid: null,
  reportedAt: null,
  loggingExpiresAt: null,
  restartRequestedAt: null,
  lastCheckInAt: null,
  createdAt: CREATED,
  updatedAt: CREATED,
};

describe('Microvisor upload (contract)', () => {
  let app: ContractApp;
  let apps: jest.Mocked<AppsService>;

  beforeAll(async () => {
    app = await createContractApp(AppUploadController, {
      mocks: [AppsService],
      env: { APP_BUNDLE_MAX_BYTES: '1024' },
    });
    apps = app.mock(AppsService);
  });
  afterAll(() => app.close());
  beforeEach(() => app.resetMocks());

  const upload = () => app.http.post('/microvisor-upload/v1/Apps').auth(...TWILIO_CREDENTIALS);

  it('hands the bundle and the unique name to the service, and answers 201 with the App', async () => {
    apps.upload.mockResolvedValue(storedApp);
    const response = await upload()
      .field('UniqueName', 'fw')
      .attach('File', Buffer.from('the bundle'), 'app.zip');
    expect(apps.upload).toHaveBeenCalledWith(TENANT, Buffer.from('the bundle'), 'fw');
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ sid: APP_SID, unique_name: 'fw', hash: 'sha256:00' });
  });

  it.each<[string, () => Promise<{ status: number; body: unknown }>, number, number, string]>([
    [
      'a bundle past APP_BUNDLE_MAX_BYTES',
      () => upload().attach('File', Buffer.alloc(1025), 'app.zip'),
      413,
      20413,
      'The bundle is larger than 1024 bytes, the most this server accepts (APP_BUNDLE_MAX_BYTES)',
    ],
    [
      'no File',
      () => upload().field('UniqueName', 'fw'),
      400,
      20001,
      'Missing required parameter File in the post body',
    ],
    [
      'a unique name in the shape of a SID',
      () => upload().field('UniqueName', APP_SID).attach('File', Buffer.from('x'), 'app.zip'),
      400,
      20001,
      'Invalid parameter UniqueName: must not have the shape of a SID',
    ],
    [
      'a form body',
      () => upload().type('form').send('UniqueName=fw'),
      415,
      20415,
      'Content-Type must be multipart/form-data (got "application/x-www-form-urlencoded")',
    ],
    [
      'no credentials',
      () => app.http.post('/microvisor-upload/v1/Apps').attach('File', Buffer.from('x'), 'a.zip'),
      401,
      20003,
      'Authentication Error - No credentials provided',
    ],
  ])('refuses %s before the service', async (_case, send, status, code, message) => {
    const response = await send();
    expect(response.body).toEqual(twilioError(status, code, message));
    expect(apps.upload).not.toHaveBeenCalled();
  });
});

describe('Microvisor Devices (contract)', () => {
  let app: ContractApp;
  let devices: jest.Mocked<DevicesService>;

  beforeAll(async () => {
    app = await createContractApp(DevicesController, { mocks: [DevicesService] });
    devices = app.mock(DevicesService);
  });
  afterAll(() => app.close());
  beforeEach(() => app.resetMocks());

  const update = (form: string) =>
    app.http
      .post(`/microvisor/v1/Devices/${DEVICE_SID}`)
      .auth(...TWILIO_CREDENTIALS)
      .type('form')
      .send(form);

  it('hands the parameters of an update to the service, the others ignored', async () => {
    devices.update.mockResolvedValue({ device: storedDevice, targetHash: null });
    const response = await update('TargetApp=fw&LoggingEnabled=true&RestartApp=false&Other=1');
    expect(devices.update).toHaveBeenCalledWith(TENANT, DEVICE_SID, {
      TargetApp: 'fw',
      LoggingEnabled: true,
      RestartApp: false,
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      sid: DEVICE_SID,
      app: { target_sid: null, update_status: 'up-to-date' },
      logging: { enabled: false, date_expires: null },
    });
  });

  it('refuses a parameter that breaks its rule before the service', async () => {
    const response = await update('LoggingEnabled=maybe');
    expect(response.body).toEqual(
      twilioError(400, 20001, 'Invalid parameter LoggingEnabled: must be true or false'),
    );
    expect(devices.update).not.toHaveBeenCalled();
  });
});

describe('Microvisor device side (contract)', () => {
  let app: ContractApp;
  let checkIns: jest.Mocked<CheckInService>;
  const CREDENTIAL = 'c'.repeat(43);

  beforeAll(async () => {
    app = await createContractApp(DeviceSideController, { mocks: [CheckInService] });
    checkIns = app.mock(CheckInService);
  });
  afterAll(() => app.close());
  beforeEach(() => {
    app.resetMocks();
    checkIns.authenticate.mockImplementation((credential) =>
      Promise.resolve(credential === CREDENTIAL ? storedDevice : undefined),
    );
  });

  const checkIn = (body: unknown, credential = CREDENTIAL) =>
    app.http
      .post('/microvisor/device/v1/check-in')
      .set('Authorization', `Bearer ${credential}`)
      .send(body as object);

  it('hands the report to the service, the SID in lower-case hex, and answers the desired state', async () => {
    checkIns.checkIn.mockResolvedValue({
      device: storedDevice,
      target: { sid: APP_SID, hash: 'sha256:00' },
      restart: true,
      settings: { configs: { device: [], account: [] }, secrets: { device: [], account: [] } },
    });
    const response = await checkIn({ reported_app_sid: `KA${APP_SID.slice(2).toUpperCase()}` });
    expect(checkIns.checkIn).toHaveBeenCalledWith(
      { sid: DEVICE_SID, tenantId: TENANT },
      { reportedAppSid: APP_SID, updateErrorCode: 0 },
    );
    const origin = response.request.url.replace(/\/microvisor\/.*$/, '');
    expect(response.body).toEqual({
      device_sid: DEVICE_SID,
      target_app: {
        sid: APP_SID,
        hash: 'sha256:00',
        bundle_url: `${origin}/microvisor/device/v1/apps/${APP_SID}/bundle`,
      },
      configs: { device: [], account: [] },
      secrets: { device: [], account: [] },
      logging: { enabled: false, date_expires: null },
      restart_app: true,
    });
  });

  it('refuses a wrong credential (401, Bearer challenge) and a bad report (400) before the service', async () => {
    const wrong = await checkIn({ reported_app_sid: null }, 'w'.repeat(43));
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Bearer realm="FleetHub Microvisor devices"');
    const bad = await checkIn({ reported_app_sid: null, update_error_code: 'none' });
    expect(bad.body).toEqual(
      twilioError(
        400,
        20001,
        'Invalid parameter update_error_code: update_error_code must be an integer',
      ),
    );
    expect(checkIns.checkIn).not.toHaveBeenCalled();
  });

  it('answers 404 for a path that names no App SID without asking the service', async () => {
    const response = await app.http
      .get('/microvisor/device/v1/apps/my-app/bundle')
      .set('Authorization', `Bearer ${CREDENTIAL}`);
    expect(response.body).toEqual(
      twilioError(404, 20404, 'The requested resource /apps/my-app/bundle was not found'),
    );
    expect(checkIns.bundle).not.toHaveBeenCalled();
  });
});

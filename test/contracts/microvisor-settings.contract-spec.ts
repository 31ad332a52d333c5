import type { Type } from '@nestjs/common';
import {
  AccountConfigsController,
  AccountSecretsController,
  DeviceConfigsController,
  DeviceSecretsController,
} from '../../src/microvisor/settings/settings.controller';
import {
  ACCOUNT_CONFIGS,
  ACCOUNT_SECRETS,
  DEVICE_CONFIGS,
  DEVICE_SECRETS,
  type SettingKind,
  type SettingRow,
} from '../../src/microvisor/settings/setting-kinds';
import { SettingsService } from '../../src/microvisor/settings/settings.service';
import { TwilioError } from '../../src/twilio/twilio-error';
import { twilioError } from '../utils/twilio-answers';
import {
  STUB_ACCOUNT_PRINCIPAL,
  TWILIO_CREDENTIALS,
  createContractApp,
  type ContractApp,
} from './contract-app';

const DEVICE = 'UV0123456789abcdef0123456789abcdef';
const TENANT = STUB_ACCOUNT_PRINCIPAL.tenantId;

const stored = (kind: SettingKind): SettingRow => ({
  tenantId: TENANT,
  ...(kind.scope === 'device' ? { deviceSid: DEVICE } : {}),
  key: 'first',
  ...(kind.secret
    ? { valueSealed: Buffer.from('sealed'), rotatedAt: new Date('2026-01-02T03:04:05.678Z') }
    : { value: 'some value', updatedAt: new Date('2026-01-02T03:04:05.678Z') }),
  createdAt: new Date('2026-01-01T00:00:00.000Z'),
});

describe.each<[string, Type, SettingKind, string]>([
  ['account Configs', AccountConfigsController, ACCOUNT_CONFIGS, '/microvisor/v1/Configs'],
  ['account Secrets', AccountSecretsController, ACCOUNT_SECRETS, '/microvisor/v1/Secrets'],
  [
    'device Configs',
    DeviceConfigsController,
    DEVICE_CONFIGS,
    '/microvisor/v1/Devices/my-device/Configs',
  ],
  [
    'device Secrets',
    DeviceSecretsController,
    DEVICE_SECRETS,
    '/microvisor/v1/Devices/my-device/Secrets',
  ],
])('Microvisor v1 %s (contract)', (_name, controller, kind, list) => {
  let app: ContractApp;
  let service: jest.Mocked<SettingsService>;
  const address = {
    kind,
    tenantId: TENANT,
    device: kind.scope === 'device' ? 'my-device' : undefined,
  };
  /** The setting's JSON as the spec's schema of its kind gives it. */
  const json = (host: string) => {
    const owner = kind.scope === 'device' ? `/Devices/${DEVICE}` : '';
    return {
      ...(kind.scope === 'device' ? { device_sid: DEVICE } : {}),
      key: 'first',
      ...(kind.secret
        ? { date_rotated: '2026-01-02T03:04:05Z' }
        : { value: 'some value', date_updated: '2026-01-02T03:04:05Z' }),
      url: `${host}/microvisor/v1${owner}/${kind.collection}/first`,
    };
  };

  beforeAll(async () => {
    app = await createContractApp(controller, { mocks: [SettingsService] });
    service = app.mock(SettingsService);
  });
  afterAll(() => app.close());
  beforeEach(() => app.resetMocks());

  const create = (form: string) =>
    app.http
      .post(list)
      .auth(...TWILIO_CREDENTIALS)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(form);

  it('no credentials: 401 (20003) with the challenge, the service untouched', async () => {
    const response = await app.http.get(list);
    expect({
      status: response.status,
      body: response.body as unknown,
      challenge: response.headers['www-authenticate'],
    }).toEqual({
      status: 401,
      body: twilioError(401, 20003, 'Authentication Error - No credentials provided'),
      challenge: 'Basic realm="Twilio API"',
    });
    expect(service.list).not.toHaveBeenCalled();
  });

  it('create: Key and Value reach the service with the address, answered 201 as the spec says', async () => {
    service.create.mockResolvedValue(stored(kind));
    const response = await create('Key=first&Value=line+1%0Aline+2&Ignored=1');
    expect(service.create).toHaveBeenCalledWith(address, 'first', 'line 1\nline 2');
    const host = response.request.url.replace(/\/microvisor\/.*$/, '');
    expect({ status: response.status, body: response.body as unknown }).toEqual({
      status: 201,
      body: json(host),
    });
  });

  describe('bad parameters: 400 (20001) naming the parameter, the service untouched', () => {
    afterEach(() => expect(service.create).not.toHaveBeenCalled());

    it.each([
      ['no Key', 'Value=v', 'Missing required parameter Key in the post body'],
      ['no Value', 'Key=first', 'Missing required parameter Value in the post body'],
      [
        'a Key of 101 characters',
        `Key=${'k'.repeat(101)}&Value=v`,
        'Invalid parameter Key: must be at most 100 characters',
      ],
      [
        'a Value of 4097 characters',
        `Key=first&Value=${'v'.repeat(4097)}`,
        'Invalid parameter Value: must be at most 4096 characters',
      ],
      [
        'a Key with a slash',
        'Key=a%2Fb&Value=v',
        'Invalid parameter Key: must start with a letter or digit and hold only letters, digits, ".", "_" and "-"',
      ],
    ])('%s', async (_case, form, message) => {
      const response = await create(form);
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 400,
        body: twilioError(400, 20001, message),
      });
    });
  });

  it('list: the page under the list key, its meta pointing back at the list', async () => {
    const owner = { tenantId: TENANT, ...(kind.scope === 'device' ? { deviceSid: DEVICE } : {}) };
    service.list.mockResolvedValue({
      owner,
      page: { rows: [stored(kind)], keys: [['first']], hasNext: false, hasPrevious: false },
    });
    const response = await app.http.get(`${list}?PageSize=5`).auth(...TWILIO_CREDENTIALS);
    expect(service.list).toHaveBeenCalledWith(address, { size: 5, number: 0, token: undefined });
    const host = response.request.url.replace(/\/microvisor\/.*$/, '');
    const listUrl = `${host}/microvisor/v1${kind.scope === 'device' ? `/Devices/${DEVICE}` : ''}/${kind.collection}`;
    const key = kind.collection.toLowerCase();
    expect({ status: response.status, body: response.body as unknown }).toEqual({
      status: 200,
      body: {
        [key]: [json(host)],
        meta: {
          first_page_url: `${listUrl}?PageSize=5&Page=0`,
          key,
          next_page_url: null,
          page: 0,
          page_size: 5,
          previous_page_url: null,
          url: `${listUrl}?PageSize=5&Page=0`,
        },
      },
    });
  });

  it("fetch: the service's 20404 in Twilio's body", async () => {
    service.fetch.mockRejectedValue(TwilioError.notFound(`/${kind.collection}/nothing`));
    const response = await app.http.get(`${list}/nothing`).auth(...TWILIO_CREDENTIALS);
    expect(service.fetch).toHaveBeenCalledWith(address, 'nothing');
    expect({ status: response.status, body: response.body as unknown }).toEqual({
      status: 404,
      body: twilioError(
        404,
        20404,
        `The requested resource /${kind.collection}/nothing was not found`,
      ),
    });
  });

  it('update: the new Value reaches the service, answered 200', async () => {
    service.update.mockResolvedValue(stored(kind));
    const response = await app.http
      .post(`${list}/first`)
      .auth(...TWILIO_CREDENTIALS)
      .type('form')
      .send('Value=new');
    expect(service.update).toHaveBeenCalledWith(address, 'first', 'new');
    expect(response.status).toBe(200);
  });

  it('delete: 204 without a body', async () => {
    service.remove.mockResolvedValue();
    const response = await app.http.delete(`${list}/first`).auth(...TWILIO_CREDENTIALS);
    expect(service.remove).toHaveBeenCalledWith(address, 'first');
    expect({ status: response.status, text: response.text }).toEqual({ status: 204, text: '' });
  });
});

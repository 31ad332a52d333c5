import { RatePlanEntity } from '../../src/wireless/entities/rate-plan.entity';
import { RatePlansController } from '../../src/wireless/rate-plans.controller';
import { RatePlansService } from '../../src/wireless/rate-plans.service';
import { TwilioError } from '../../src/twilio/twilio-error';
import {
  NORTHBOUND_CREDENTIALS,
  STUB_ACCOUNT_PRINCIPAL,
  TWILIO_CREDENTIALS,
  createContractApp,
  type ContractApp,
} from './contract-app';
import { twilioError } from '../utils/twilio-answers';

const LIST = '/wireless/v1/RatePlans';
const SID = 'WP0123456789abcdef0123456789abcdef';
const CHALLENGE = 'Basic realm="Twilio API"';

const stored = (overrides: Partial<RatePlanEntity> = {}): RatePlanEntity => ({
  sid: SID,
  tenantId: STUB_ACCOUNT_PRINCIPAL.tenantId,
  uniqueName: 'basic',
  friendlyName: null,
  dataEnabled: true,
  dataLimit: 1000,
  dataMetering: 'payg',
  dataLimitStrategy: 'block',
  messagingEnabled: true,
  voiceEnabled: false,
  nationalRoamingEnabled: true,
  nationalRoamingDataLimit: 1000,
  internationalRoaming: [],
  internationalRoamingDataLimit: 1000,
  createdAt: new Date('2026-01-02T03:04:05.678Z'),
  updatedAt: new Date('2026-01-02T03:04:06.999Z'),
  ...overrides,
});

describe('Wireless v1 RatePlans (contract)', () => {
  let app: ContractApp;
  let service: jest.Mocked<RatePlansService>;

  beforeAll(async () => {
    app = await createContractApp(RatePlansController, { mocks: [RatePlansService] });
    service = app.mock(RatePlansService);
  });
  afterAll(() => app.close());
  beforeEach(() => app.resetMocks());

  const create = (form: string) =>
    app.http
      .post(LIST)
      .auth(...TWILIO_CREDENTIALS)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(form);

  describe('HTTP Basic: 401, 20003, the Twilio challenge, the service untouched', () => {
    afterEach(() => expect(service.list).not.toHaveBeenCalled());

    it.each<[string, [string, string] | undefined, string]>([
      ['no credentials', undefined, 'Authentication Error - No credentials provided'],
      [
        'a wrong auth token',
        [TWILIO_CREDENTIALS[0], 'wrong'],
        'Authentication Error - Your AccountSid or AuthToken was incorrect',
      ],
      [
        'northbound credentials',
        NORTHBOUND_CREDENTIALS,
        'Authentication Error - Your AccountSid or AuthToken was incorrect',
      ],
    ])('%s', async (_label, credentials, message) => {
      const request = app.http.get(LIST);
      const response = await (credentials ? request.auth(...credentials) : request);
      expect({
        status: response.status,
        body: response.body as unknown,
        challenge: response.headers['www-authenticate'],
      }).toEqual({ status: 401, body: twilioError(401, 20003, message), challenge: CHALLENGE });
    });
  });

  it('create: the form reaches the service with the defaults filled in, answered 201', async () => {
    service.create.mockResolvedValue(stored({ dataLimit: 500, internationalRoaming: ['data'] }));
    const response = await create(
      'UniqueName=basic&DataLimit=500&InternationalRoaming=data&Ignored=1',
    );
    expect(service.create).toHaveBeenCalledWith(STUB_ACCOUNT_PRINCIPAL.tenantId, {
      UniqueName: 'basic',
      DataEnabled: true,
      DataLimit: 500,
      DataMetering: 'payg',
      MessagingEnabled: true,
      VoiceEnabled: false,
      NationalRoamingEnabled: true,
      InternationalRoaming: ['data'],
      NationalRoamingDataLimit: 1000,
      InternationalRoamingDataLimit: 1000,
      DataLimitStrategy: 'block',
    });
    const host = response.request.url.replace(/\/wireless\/.*$/, '');
    expect({ status: response.status, body: response.body as unknown }).toEqual({
      status: 201,
      body: {
        sid: SID,
        unique_name: 'basic',
        account_sid: TWILIO_CREDENTIALS[0],
        friendly_name: null,
        data_enabled: true,
        data_metering: 'payg',
        data_limit: 500,
        messaging_enabled: true,
        voice_enabled: false,
        national_roaming_enabled: true,
        national_roaming_data_limit: 1000,
        international_roaming: ['data'],
        international_roaming_data_limit: 1000,
        date_created: '2026-01-02T03:04:05Z',
        date_updated: '2026-01-02T03:04:06Z',
        url: `${host}${LIST}/${SID}`,
      },
    });
  });

  describe('bad parameters: 400 naming the parameter, the service untouched', () => {
    afterEach(() => expect(service.create).not.toHaveBeenCalled());

    it.each<[string, number, string]>([
      ['DataLimit=1e3', 20001, 'Invalid parameter DataLimit: must be an integer'],
      ['DataLimit=2000001', 33101, 'Invalid parameter DataLimit: must be between 0 and 2000000'],
      [
        `UniqueName=WP${'f'.repeat(32)}`,
        33101,
        'Invalid parameter UniqueName: must not have the shape of a SID',
      ],
      [
        'DataMetering=free',
        20001,
        'Invalid parameter DataMetering: must be one of payg, quota-1, quota-10, quota-50',
      ],
      ['MessagingEnabled=1', 20001, 'Invalid parameter MessagingEnabled: must be true or false'],
    ])('%s', async (form, code, message) => {
      const response = await create(form);
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 400,
        body: twilioError(400, code, message),
      });
    });

    it('a JSON body: 415', async () => {
      const response = await app.http
        .post(LIST)
        .auth(...TWILIO_CREDENTIALS)
        .send({ UniqueName: 'basic' });
      expect({ status: response.status, code: (response.body as { code: number }).code }).toEqual({
        status: 415,
        code: 20415,
      });
    });
  });

  it("fetch: the service's 20404 in Twilio's body", async () => {
    service.fetch.mockRejectedValue(TwilioError.notFound('/RatePlans/nobody'));
    const response = await app.http.get(`${LIST}/nobody`).auth(...TWILIO_CREDENTIALS);
    expect(service.fetch).toHaveBeenCalledWith(STUB_ACCOUNT_PRINCIPAL.tenantId, 'nobody');
    expect({ status: response.status, body: response.body as unknown }).toEqual({
      status: 404,
      body: twilioError(404, 20404, 'The requested resource /RatePlans/nobody was not found'),
    });
  });

  it('delete: 204 without a body', async () => {
    service.remove.mockResolvedValue();
    const response = await app.http.delete(`${LIST}/${SID}`).auth(...TWILIO_CREDENTIALS);
    expect(service.remove).toHaveBeenCalledWith(STUB_ACCOUNT_PRINCIPAL.tenantId, SID);
    expect({ status: response.status, text: response.text }).toEqual({ status: 204, text: '' });
  });

  it('an unexpected failure: 500, 20500, nothing of its cause', async () => {
    service.fetch.mockRejectedValue(new Error('secret SQL detail'));
    const response = await app.http.get(`${LIST}/${SID}`).auth(...TWILIO_CREDENTIALS);
    expect({ status: response.status, body: response.body as unknown }).toEqual({
      status: 500,
      body: twilioError(500, 20500, 'Internal Server Error'),
    });
  });
});

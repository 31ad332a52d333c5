import { TwilioError } from '../../src/twilio/twilio-error';
import { SimEntity } from '../../src/wireless/entities/sim.entity';
import { SimsController } from '../../src/wireless/sims.controller';
import { SimsService } from '../../src/wireless/sims.service';
import {
  STUB_ACCOUNT_PRINCIPAL,
  TWILIO_CREDENTIALS,
  createContractApp,
  type ContractApp,
} from './contract-app';
import { twilioError } from '../utils/twilio-answers';

const LIST = '/wireless/v1/Sims';
const SID = 'DE0123456789abcdef0123456789abcdef';
const ACCOUNT = { tenantId: STUB_ACCOUNT_PRINCIPAL.tenantId, accountSid: TWILIO_CREDENTIALS[0] };

const stored = (overrides: Partial<SimEntity> = {}): SimEntity =>
  Object.assign(new SimEntity(), {
    sid: SID,
    tenantId: ACCOUNT.tenantId,
    iccid: '89014103211118510720',
    uniqueName: 'truck-12',
    friendlyName: null,
    eId: null,
    registrationCode: null,
    imei: '352093081234567',
    ratePlanSid: null,
    status: 'new',
    targetStatus: null,
    resetStatus: null,
    statusCallbackUrl: null,
    statusCallbackMethod: null,
    ipAddress: null,
    commandsCallbackUrl: null,
    commandsCallbackMethod: 'POST',
    smsUrl: null,
    smsMethod: 'POST',
    smsFallbackUrl: null,
    smsFallbackMethod: 'POST',
    voiceUrl: null,
    voiceMethod: 'POST',
    voiceFallbackUrl: null,
    voiceFallbackMethod: 'POST',
    createdAt: new Date('2026-01-02T03:04:05.678Z'),
    updatedAt: new Date('2026-01-02T03:04:06.999Z'),
    ...overrides,
  });

describe('Wireless v1 Sims (contract)', () => {
  let app: ContractApp;
  let service: jest.Mocked<SimsService>;

  beforeAll(async () => {
    app = await createContractApp(SimsController, { mocks: [SimsService] });
    service = app.mock(SimsService);
  });
  afterAll(() => app.close());
  beforeEach(() => app.resetMocks());

  const update = (form: string, sid = SID) =>
    app.http
      .post(`${LIST}/${sid}`)
      .auth(...TWILIO_CREDENTIALS)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(form);

  it('list: the filters and the page reach the service; the URLs name the filters first', async () => {
    service.list.mockResolvedValue({
      rows: [stored()],
      keys: [],
      hasNext: false,
      hasPrevious: false,
    });
    const response = await app.http
      .get(`${LIST}?PageSize=10&RatePlan=basic&Status=active&Other=1`)
      .auth(...TWILIO_CREDENTIALS);
    expect(service.list).toHaveBeenCalledWith(
      ACCOUNT.tenantId,
      expect.objectContaining({ Status: 'active', RatePlan: 'basic', PageSize: 10 }),
      { size: 10, number: 0, token: undefined },
    );
    expect(response.status).toBe(200);
    const body = response.body as { sims: { sid: string }[]; meta: { url: string; key: string } };
    expect(body.sims.map((sim) => sim.sid)).toEqual([SID]);
    expect(body.meta.key).toBe('sims');
    expect(body.meta.url).toMatch(
      /\/wireless\/v1\/Sims\?Status=active&RatePlan=basic&PageSize=10&Page=0$/,
    );
  });

  it('fetch: the Sim by SID or unique name, every field of the spec', async () => {
    service.find.mockResolvedValue(stored({ ratePlanSid: 'WP0123456789abcdef0123456789abcdef' }));
    const response = await app.http.get(`${LIST}/truck-12`).auth(...TWILIO_CREDENTIALS);
    expect(service.find).toHaveBeenCalledWith(ACCOUNT.tenantId, 'truck-12');
    const host = response.request.url.replace(/\/wireless\/.*$/, '');
    const url = `${host}${LIST}/${SID}`;
    expect({ status: response.status, body: response.body as unknown }).toEqual({
      status: 200,
      body: {
        sid: SID,
        unique_name: 'truck-12',
        account_sid: ACCOUNT.accountSid,
        rate_plan_sid: 'WP0123456789abcdef0123456789abcdef',
        friendly_name: null,
        iccid: '89014103211118510720',
        e_id: null,
        status: 'new',
        reset_status: null,
        commands_callback_url: null,
        commands_callback_method: 'POST',
        sms_fallback_method: 'POST',
        sms_fallback_url: null,
        sms_method: 'POST',
        sms_url: null,
        voice_fallback_method: 'POST',
        voice_fallback_url: null,
        voice_method: 'POST',
        voice_url: null,
        date_created: '2026-01-02T03:04:05Z',
        date_updated: '2026-01-02T03:04:06Z',
        url,
        links: {
          data_sessions: `${url}/DataSessions`,
          usage_records: `${url}/UsageRecords`,
          rate_plan: `${host}/wireless/v1/RatePlans/WP0123456789abcdef0123456789abcdef`,
        },
        ip_address: null,
      },
    });
  });

  it('update: the form reaches the service; 202 when a change is under way, else 200', async () => {
    service.update.mockResolvedValue({ sim: stored({ status: 'updating' }), accepted: true });
    const accepted = await update(
      'Status=ready&CallbackUrl=https%3A%2F%2Fexample.com%2Fdone&CallbackMethod=GET',
    );
    expect(service.update).toHaveBeenCalledWith(
      ACCOUNT,
      SID,
      { Status: 'ready', CallbackUrl: 'https://example.com/done', CallbackMethod: 'GET' },
      expect.any(String),
    );
    expect({
      status: accepted.status,
      state: (accepted.body as { status: string }).status,
    }).toEqual({
      status: 202,
      state: 'updating',
    });

    service.update.mockResolvedValue({ sim: stored({ friendlyName: 'Truck' }), accepted: false });
    const done = await update('FriendlyName=Truck');
    expect(done.status).toBe(200);
  });

  describe('bad parameters: 400 naming the parameter, the service untouched', () => {
    afterEach(() => expect(service.update).not.toHaveBeenCalled());

    it.each<[string, number, string]>([
      [
        'Status=lost',
        20001,
        'Invalid parameter Status: must be one of new, ready, active, suspended, deactivated, canceled, scheduled, updating',
      ],
      ['ResetStatus=done', 20001, 'Invalid parameter ResetStatus: must be one of resetting'],
      ['CallbackMethod=PUT', 20001, 'Invalid parameter CallbackMethod: must be one of GET, POST'],
      [
        'CallbackUrl=ftp%3A%2F%2Fexample.com',
        20001,
        'Invalid parameter CallbackUrl: must be an absolute http or https URL',
      ],
      [
        `UniqueName=DE${'f'.repeat(32)}`,
        33101,
        'Invalid parameter UniqueName: must not have the shape of a SID',
      ],
      [
        `FriendlyName=${'x'.repeat(65)}`,
        20001,
        'Invalid parameter FriendlyName: must be at most 64 characters',
      ],
    ])('%s', async (form, code, message) => {
      const response = await update(form);
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 400,
        body: twilioError(400, code, message),
      });
    });
  });

  it("fetch: the service's 20404 in Twilio's body", async () => {
    service.find.mockRejectedValue(TwilioError.notFound('/Sims/nobody'));
    const response = await app.http.get(`${LIST}/nobody`).auth(...TWILIO_CREDENTIALS);
    expect({ status: response.status, body: response.body as unknown }).toEqual({
      status: 404,
      body: twilioError(404, 20404, 'The requested resource /Sims/nobody was not found'),
    });
  });

  it('delete: 204 without a body', async () => {
    service.remove.mockResolvedValue();
    const response = await app.http.delete(`${LIST}/${SID}`).auth(...TWILIO_CREDENTIALS);
    expect(service.remove).toHaveBeenCalledWith(ACCOUNT.tenantId, SID);
    expect({ status: response.status, text: response.text }).toEqual({ status: 204, text: '' });
  });
});

import { TwilioError } from '../../src/twilio/twilio-error';
import { CommandsController } from '../../src/wireless/commands/commands.controller';
import { CommandsService } from '../../src/wireless/commands/commands.service';
import type { CommandEntity } from '../../src/wireless/entities/command.entity';
import {
  STUB_ACCOUNT_PRINCIPAL,
  TWILIO_CREDENTIALS,
  createContractApp,
  type ContractApp,
} from './contract-app';
import { twilioError } from '../utils/twilio-answers';

const LIST = '/wireless/v1/Commands';
const SID = 'DC0123456789abcdef0123456789abcdef';
const SIM_SID = 'DEfedcba9876543210fedcba9876543210';
const { tenantId } = STUB_ACCOUNT_PRINCIPAL;

const stored = (overrides: Partial<CommandEntity> = {}): CommandEntity => ({
  sid: SID,
  tenantId,
  simSid: SIM_SID,
  command: 'reboot',
  commandMode: 'text',
  transport: 'sms',
  includeSid: 'none',
  deliveryReceiptRequested: true,
  status: 'queued',
  direction: 'to_sim',
  callbackUrl: null,
  callbackMethod: 'POST',
  createdAt: new Date('2026-01-02T03:04:05.678Z'),
  updatedAt: new Date('2026-01-02T03:04:06.999Z'),
  ...overrides,
});

describe('Wireless v1 Commands (contract)', () => {
  let app: ContractApp;
  let service: jest.Mocked<CommandsService>;

  beforeAll(async () => {
    app = await createContractApp(CommandsController, { mocks: [CommandsService] });
    service = app.mock(CommandsService);
  });
  afterAll(() => app.close());
  beforeEach(() => app.resetMocks());

  const create = (form: string) =>
    app.http
      .post(LIST)
      .auth(...TWILIO_CREDENTIALS)
      .set({ 'Content-Type': 'application/x-www-form-urlencoded', 'X-Request-Id': 'create-1' })
      .send(form);
  const answer = async (request: PromiseLike<{ status: number; body: unknown }>) => {
    const { status, body } = await request;
    return { status, body };
  };

  it('create: the form reaches the service with the defaults filled in, answered 201', async () => {
    service.create.mockResolvedValue(stored());
    const response = await create('Command=reboot&Sim=pump-1&Unknown=ignored');

    expect(service.create).toHaveBeenCalledWith(
      tenantId,
      {
        command: 'reboot',
        sim: 'pump-1',
        commandMode: 'text',
        includeSid: 'none',
        deliveryReceiptRequested: true,
        callbackUrl: undefined,
        callbackMethod: 'POST',
      },
      'create-1',
    );
    const host = response.request.url.replace(/\/wireless\/.*$/, '');
    expect({ status: response.status, body: response.body as unknown }).toEqual({
      status: 201,
      body: {
        sid: SID,
        account_sid: TWILIO_CREDENTIALS[0],
        sim_sid: SIM_SID,
        command: 'reboot',
        command_mode: 'text',
        transport: 'sms',
        delivery_receipt_requested: true,
        status: 'queued',
        direction: 'to_sim',
        date_created: '2026-01-02T03:04:05Z',
        date_updated: '2026-01-02T03:04:06Z',
        url: `${host}${LIST}/${SID}`,
      },
    });
  });

  it('create: every parameter as twilio-node sends it', async () => {
    service.create.mockResolvedValue(stored({ commandMode: 'binary' }));
    await create(
      'Command=AP8%3D&Sim=DEfedcba9876543210fedcba9876543210&CommandMode=binary&IncludeSid=none' +
        '&DeliveryReceiptRequested=false&CallbackUrl=https%3A%2F%2Fexample.com%2Fc&CallbackMethod=GET',
    ).expect(201);
    expect(service.create).toHaveBeenCalledWith(
      tenantId,
      {
        command: 'AP8=',
        sim: SIM_SID,
        commandMode: 'binary',
        includeSid: 'none',
        deliveryReceiptRequested: false,
        callbackUrl: 'https://example.com/c',
        callbackMethod: 'GET',
      },
      'create-1',
    );
  });

  it('create: a parameter of the wrong kind is a 400 naming it, and the service is not asked', async () => {
    for (const [form, message] of [
      ['Command=x&CommandMode=hex', 'Invalid parameter CommandMode: must be one of text, binary'],
      [
        'Command=x&IncludeSid=middle',
        'Invalid parameter IncludeSid: must be one of none, start, end',
      ],
      [
        'Command=x&CallbackMethod=PUT',
        'Invalid parameter CallbackMethod: must be one of GET, POST',
      ],
      [
        'Command=x&CallbackUrl=mailto%3Aops%40example.com',
        'Invalid parameter CallbackUrl: must be an absolute http or https URL',
      ],
      [
        'Command=x&DeliveryReceiptRequested=1',
        'Invalid parameter DeliveryReceiptRequested: must be true or false',
      ],
      ['Command=a&Command=b', 'Invalid parameter Command: must be given once'],
      [`Command=${'x'.repeat(321)}`, 'Invalid parameter Command: must be at most 320 characters'],
      [`Command=x&Sim=${'s'.repeat(65)}`, 'Invalid parameter Sim: must be at most 64 characters'],
    ]) {
      expect(await answer(create(form))).toEqual({
        status: 400,
        body: twilioError(400, 20001, message),
      });
    }
    expect(service.create).not.toHaveBeenCalled();
  });

  it('create: what the service refuses is answered as it says', async () => {
    service.create.mockRejectedValue(new TwilioError(404, 33107, 'SIM not found: pump-9'));
    expect(await answer(create('Command=x&Sim=pump-9'))).toEqual({
      status: 404,
      body: twilioError(404, 33107, 'SIM not found: pump-9'),
    });
  });

  it('list: the filters reach the service; meta names them in the spec’s order', async () => {
    service.list.mockResolvedValue({
      rows: [stored()],
      keys: [['2026-01-02T03:04:05.678000Z', SID]],
      hasNext: true,
      hasPrevious: false,
    });
    const response = await app.http
      .get(`${LIST}?Sim=pump-1&Transport=sms&Direction=to_sim&Status=queued&PageSize=1`)
      .auth(...TWILIO_CREDENTIALS);

    expect(service.list).toHaveBeenCalledWith(
      tenantId,
      { sim: 'pump-1', status: 'queued', direction: 'to_sim', transport: 'sms' },
      { size: 1, number: 0, token: undefined },
    );
    const host = response.request.url.replace(/\/wireless\/.*$/, '');
    const filters = `Status=queued&Direction=to_sim&Transport=sms&Sim=pump-1`;
    const body = response.body as { commands: unknown[]; meta: Record<string, unknown> };
    expect(response.status).toBe(200);
    expect(body.commands).toHaveLength(1);
    expect(body.meta).toMatchObject({
      key: 'commands',
      page: 0,
      page_size: 1,
      first_page_url: `${host}${LIST}?${filters}&PageSize=1&Page=0`,
      url: `${host}${LIST}?${filters}&PageSize=1&Page=0`,
      previous_page_url: null,
    });
    expect(body.meta.next_page_url).toMatch(
      new RegExp(`^${host}${LIST}\\?${filters}&PageSize=1&Page=1&PageToken=PA`),
    );
  });

  it('list: a bad filter is a 400 naming it', async () => {
    expect(await answer(app.http.get(`${LIST}?Status=lost`).auth(...TWILIO_CREDENTIALS))).toEqual({
      status: 400,
      body: twilioError(
        400,
        20001,
        'Invalid parameter Status: must be one of queued, sent, delivered, received, failed',
      ),
    });
    expect(service.list).not.toHaveBeenCalled();
  });

  it('fetch and delete: the path SID reaches the service; delete answers 204, no body', async () => {
    service.fetch.mockResolvedValue(stored({ status: 'delivered' }));
    const fetched = await app.http.get(`${LIST}/${SID}`).auth(...TWILIO_CREDENTIALS);
    expect(fetched.status).toBe(200);
    expect((fetched.body as { status: string }).status).toBe('delivered');
    expect(service.fetch).toHaveBeenCalledWith(tenantId, SID);

    service.remove.mockResolvedValue();
    const removed = await app.http.delete(`${LIST}/${SID}`).auth(...TWILIO_CREDENTIALS);
    expect({ status: removed.status, text: removed.text }).toEqual({ status: 204, text: '' });
    expect(service.remove).toHaveBeenCalledWith(tenantId, SID);
  });

  it('answers 401 with the Twilio challenge without credentials, the service untouched', async () => {
    const response = await app.http.post(LIST).type('form').send('Command=x');
    expect({
      status: response.status,
      body: response.body as unknown,
      challenge: response.headers['www-authenticate'],
    }).toEqual({
      status: 401,
      body: twilioError(401, 20003, 'Authentication Error - No credentials provided'),
      challenge: 'Basic realm="Twilio API"',
    });
    expect(service.create).not.toHaveBeenCalled();
  });
});

import { TwilioError } from '../../src/twilio/twilio-error';
import { AccountSims } from '../../src/wireless/usage/account-sims';
import { DataSessionsController } from '../../src/wireless/usage/data-sessions.controller';
import { DataSessionsService } from '../../src/wireless/usage/data-sessions.service';
import { usageRecord } from '../../src/wireless/usage/usage-record';
import { UsageRecordsController } from '../../src/wireless/usage/usage-records.controller';
import { UsageRecordsService } from '../../src/wireless/usage/usage-records.service';
import {
  STUB_ACCOUNT_PRINCIPAL,
  TWILIO_CREDENTIALS,
  createContractApp,
  type ContractApp,
} from './contract-app';
import { twilioError } from '../utils/twilio-answers';

const SIM = 'DE0123456789abcdef0123456789abcdef';
const TENANT = STUB_ACCOUNT_PRINCIPAL.tenantId;
const ACCOUNT = TWILIO_CREDENTIALS[0];

/** The path and query of an absolute URL of an answer. */
const pathAndQuery = (url: string | null) =>
  url && `${new URL(url).pathname}${new URL(url).search}`;

describe('Wireless v1 UsageRecords (contract)', () => {
  let app: ContractApp;
  let usage: jest.Mocked<UsageRecordsService>;
  let sims: jest.Mocked<AccountSims>;

  const period = { start: new Date('2026-04-01T10:00:00Z'), end: new Date('2026-04-01T12:00:00Z') };
  const hour = { start: period.start, end: new Date('2026-04-01T11:00:00Z') };
  const measured = { uploadBytes: 700, downloadBytes: 80, commandsFromSim: 1, commandsToSim: 2 };

  beforeAll(async () => {
    app = await createContractApp(UsageRecordsController, {
      mocks: [UsageRecordsService, AccountSims],
    });
    usage = app.mock(UsageRecordsService);
    sims = app.mock(AccountSims);
  });
  afterAll(() => app.close());
  beforeEach(() => app.resetMocks());

  const get = (path: string) => app.http.get(`/wireless/v1${path}`).auth(...TWILIO_CREDENTIALS);

  it("a Sim's page: the query reaches the service, the records answer in the spec's shape", async () => {
    sims.sidOf.mockResolvedValue(SIM);
    usage.list.mockResolvedValue({
      period,
      rows: [usageRecord(hour, measured)],
      keys: [[hour.start.toISOString()]],
      hasNext: true,
      hasPrevious: false,
    });
    const response = await get(
      '/Sims/tracker%20one/UsageRecords?Start=2026-04-01T10:30:00Z&End=2026-04-01T11:15:00Z' +
        '&Granularity=hourly&PageSize=1&Unknown=x',
    );
    expect(sims.sidOf).toHaveBeenCalledWith(
      TENANT,
      'tracker one',
      '/Sims/tracker one/UsageRecords',
    );
    expect(usage.list).toHaveBeenCalledWith(
      {
        tenantId: TENANT,
        simSid: SIM,
        start: new Date('2026-04-01T10:30:00Z'),
        end: new Date('2026-04-01T11:15:00Z'),
        granularity: 'hourly',
      },
      { size: 1, number: 0, token: undefined },
    );
    const body = response.body as {
      usage_records: unknown[];
      meta: { first_page_url: string; next_page_url: string; previous_page_url: null };
    };
    expect({ status: response.status, records: body.usage_records }).toEqual({
      status: 200,
      records: [
        {
          sim_sid: SIM,
          account_sid: ACCOUNT,
          period: { start: '2026-04-01T10:00:00Z', end: '2026-04-01T11:00:00Z' },
          commands: expect.objectContaining({ total: 3, from_sim: 1, to_sim: 2 }),
          data: expect.objectContaining({ total: 780, upload: 700, download: 80, units: 'bytes' }),
        },
      ],
    });
    // The URLs name the Sim by its SID and carry the period as the service widened it.
    const list =
      `/wireless/v1/Sims/${SIM}/UsageRecords?End=2026-04-01T12%3A00%3A00Z` +
      '&Start=2026-04-01T10%3A00%3A00Z&Granularity=hourly&PageSize=1';
    expect(pathAndQuery(body.meta.first_page_url)).toBe(`${list}&Page=0`);
    expect(pathAndQuery(body.meta.next_page_url)).toBe(
      `${list}&Page=1&PageToken=PA${Buffer.from(JSON.stringify([hour.start.toISOString()])).toString('base64url')}`,
    );
    expect(body.meta.previous_page_url).toBeNull();
  });

  it("the account's page: every Sim, granularity all by default, no sim_sid", async () => {
    usage.list.mockResolvedValue({
      period,
      rows: [usageRecord(period, measured)],
      keys: [[period.start.toISOString()]],
      hasNext: false,
      hasPrevious: false,
    });
    const response = await get('/UsageRecords');
    expect(sims.sidOf).not.toHaveBeenCalled();
    expect(usage.list).toHaveBeenCalledWith(
      { tenantId: TENANT, simSid: undefined, start: undefined, end: undefined, granularity: 'all' },
      { size: 50, number: 0, token: undefined },
    );
    expect(response.status).toBe(200);
    expect(Object.keys((response.body as { usage_records: object[] }).usage_records[0])).toEqual([
      'account_sid',
      'period',
      'commands',
      'data',
    ]);
  });

  describe('bad parameters: 400 naming the parameter, the service untouched', () => {
    afterEach(() => expect(usage.list).not.toHaveBeenCalled());

    it.each<[string, number, string]>([
      [
        'Start=yesterday',
        20001,
        'Invalid parameter Start: must be an ISO 8601 date-time such as 2015-07-30T20:00:00Z',
      ],
      [
        'End=2026-02-30T00:00:00Z',
        20001,
        'Invalid parameter End: must be an ISO 8601 date-time such as 2015-07-30T20:00:00Z',
      ],
      [
        'Granularity=weekly',
        20001,
        'Invalid parameter Granularity: must be one of hourly, daily, all',
      ],
      ['PageSize=1001', 20007, 'Page size too large: PageSize must be at most 1000'],
      ['PageToken=PAxyz', 21481, 'Invalid PageToken'],
    ])('%s', async (query, code, message) => {
      const response = await get(`/UsageRecords?${query}`);
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 400,
        body: twilioError(400, code, message),
      });
    });
  });

  it("an unknown Sim: AccountSims' 20404, the records untouched", async () => {
    sims.sidOf.mockRejectedValue(TwilioError.notFound('/Sims/nobody/UsageRecords'));
    const response = await get('/Sims/nobody/UsageRecords');
    expect({ status: response.status, body: response.body as unknown }).toEqual({
      status: 404,
      body: twilioError(
        404,
        20404,
        'The requested resource /Sims/nobody/UsageRecords was not found',
      ),
    });
    expect(usage.list).not.toHaveBeenCalled();
  });
});

describe('Wireless v1 DataSessions (contract)', () => {
  let app: ContractApp;
  let sessions: jest.Mocked<DataSessionsService>;
  let sims: jest.Mocked<AccountSims>;

  beforeAll(async () => {
    app = await createContractApp(DataSessionsController, {
      mocks: [DataSessionsService, AccountSims],
    });
    sessions = app.mock(DataSessionsService);
    sims = app.mock(AccountSims);
  });
  afterAll(() => app.close());
  beforeEach(() => app.resetMocks());

  it("a page of sessions, every field of the spec's schema, what FleetHub cannot see null", async () => {
    sims.sidOf.mockResolvedValue(SIM);
    sessions.list.mockResolvedValue({
      rows: [
        {
          sid: 'WN0123456789abcdef0123456789abcdef',
          simSid: SIM,
          imei: '352093081234567',
          start: new Date('2026-04-01T10:00:00.250Z'),
          end: null,
          lastUpdated: new Date('2026-04-01T10:05:00.999Z'),
          packetsUploaded: 12,
          packetsDownloaded: 12,
        },
      ],
      keys: [['2026-04-01T10:00:00.250000Z', 'WN0123456789abcdef0123456789abcdef']],
      hasNext: false,
      hasPrevious: false,
    });
    const response = await app.http
      .get(`/wireless/v1/Sims/${SIM}/DataSessions?PageSize=10`)
      .auth(...TWILIO_CREDENTIALS);
    expect(sims.sidOf).toHaveBeenCalledWith(TENANT, SIM, `/Sims/${SIM}/DataSessions`);
    expect(sessions.list).toHaveBeenCalledWith(TENANT, SIM, {
      size: 10,
      number: 0,
      token: undefined,
    });
    expect({
      status: response.status,
      sessions: (response.body as { data_sessions: unknown[] }).data_sessions,
    }).toEqual({
      status: 200,
      sessions: [
        {
          sid: 'WN0123456789abcdef0123456789abcdef',
          sim_sid: SIM,
          account_sid: ACCOUNT,
          radio_link: null,
          operator_mcc: null,
          operator_mnc: null,
          operator_country: null,
          operator_name: null,
          cell_id: null,
          cell_location_estimate: null,
          packets_uploaded: 12,
          packets_downloaded: 12,
          last_updated: '2026-04-01T10:05:00Z',
          start: '2026-04-01T10:00:00Z',
          end: null,
          imei: '352093081234567',
        },
      ],
    });
  });

  it('an unknown Sim: 404, the sessions untouched', async () => {
    sims.sidOf.mockRejectedValue(TwilioError.notFound('/Sims/nobody/DataSessions'));
    const response = await app.http
      .get('/wireless/v1/Sims/nobody/DataSessions')
      .auth(...TWILIO_CREDENTIALS);
    expect({ status: response.status, code: (response.body as { code: number }).code }).toEqual({
      status: 404,
      code: 20404,
    });
    expect(sessions.list).not.toHaveBeenCalled();
  });
});

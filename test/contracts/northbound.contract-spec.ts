import { ApiError } from '../../src/common/errors/api-error';
import { TrafficMeter } from '../../src/metering/traffic-meter';
import { NorthboundIntakeService } from '../../src/northbound/northbound-intake.service';
import { NorthboundController } from '../../src/northbound/northbound.controller';
import { NorthboundProducer } from '../../src/northbound/northbound.producer';
import { trackerMessage } from '../factories/northbound.factory';
import { UNAUTHORIZED, errorEnvelope } from '../utils/api-envelope';
import {
  API_HEADERS,
  NORTHBOUND_CREDENTIALS,
  STUB_TENANT_PRINCIPAL,
  createContractApp,
  type ContractApp,
} from './contract-app';

const PATH = '/data';
const CHALLENGE = 'Basic realm="northbound"';

const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

const accepted = (warnings: object[] = []) => ({
  success: true,
  data: { status: 'OK', warnings },
  meta: {},
});

describe('POST /data (contract)', () => {
  let app: ContractApp;
  let producer: jest.Mocked<NorthboundProducer>;
  const meter = new TrafficMeter();

  beforeAll(async () => {
    app = await createContractApp(NorthboundController, {
      providers: [NorthboundIntakeService, { provide: TrafficMeter, useValue: meter }],
      mocks: [NorthboundProducer],
    });
    producer = app.mock(NorthboundProducer);
  });
  afterAll(() => app.close());
  beforeEach(() => {
    app.resetMocks();
    meter.drain();
  });

  const post = (body: unknown) =>
    app.http
      .post(PATH)
      .auth(...NORTHBOUND_CREDENTIALS)
      .send(body as object);
  const postText = (text: string) =>
    app.http
      .post(PATH)
      .auth(...NORTHBOUND_CREDENTIALS)
      .set('Content-Type', 'application/json')
      .send(text);

  describe('HTTP Basic: 401 with the northbound challenge, nothing produced or counted', () => {
    afterEach(() => {
      expect(producer.add).not.toHaveBeenCalled();
      expect(meter.drain()).toEqual([]);
    });

    it.each<[string, Record<string, string>]>([
      ['no credentials', {}],
      ['a wrong password', { Authorization: basic(NORTHBOUND_CREDENTIALS[0], 'wrong') }],
      ['the dual-auth headers', API_HEADERS],
    ])('%s', async (_label, headers) => {
      const response = await app.http.post(PATH).set(headers).send(trackerMessage());
      expect({
        status: response.status,
        body: response.body as unknown,
        challenge: response.headers['www-authenticate'],
      }).toEqual({ status: 401, body: UNAUTHORIZED, challenge: CHALLENGE });
    });
  });

  describe('a message that can be stored', () => {
    it('reaches the producer as its tenant, then gets 200', async () => {
      producer.add.mockResolvedValue();
      const body = trackerMessage();
      const response = await app.http
        .post(PATH)
        .auth(...NORTHBOUND_CREDENTIALS)
        .set('X-Request-Id', 'message-1')
        .send(body);
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 200,
        body: accepted(),
      });
      expect(producer.add).toHaveBeenCalledTimes(1);
      const [[job]] = producer.add.mock.calls;
      expect(job).toMatchObject({
        tenantId: STUB_TENANT_PRINCIPAL.tenantId,
        requestId: 'message-1',
        reading: { trackerId: body.trackerId },
        warnings: [],
      });
      expect(JSON.parse(job.message)).toEqual(body);
    });

    it("counts the message's bytes and its answer's for its trackerId", async () => {
      producer.add.mockResolvedValue();
      const body = trackerMessage();
      const text = JSON.stringify(body);
      const response = await postText(text).expect(200);
      expect(meter.drain()).toEqual([
        expect.objectContaining({
          tenantId: STUB_TENANT_PRINCIPAL.tenantId,
          deviceId: body.trackerId,
          uploadBytes: Buffer.byteLength(text),
          downloadBytes: Buffer.byteLength(response.text),
          uploadPackets: 1,
          downloadPackets: 1,
        }),
      ]);
    });

    it('lists the impossible values it dropped, in the answer and the job', async () => {
      producer.add.mockResolvedValue();
      const response = await post(
        trackerMessage({ sensors: { temperature: 21, batteryLevel: 300 } }),
      );
      const warnings = [
        { field: 'sensors.batteryLevel', message: 'batteryLevel must not be greater than 100' },
      ];
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 200,
        body: accepted(warnings),
      });
      expect(producer.add).toHaveBeenCalledWith(expect.objectContaining({ warnings }));
    });

    it('503 SERVICE_UNAVAILABLE, never 200, when the producer cannot take it', async () => {
      producer.add.mockRejectedValue(
        new ApiError('SERVICE_UNAVAILABLE', 'The message cannot be accepted right now', undefined, {
          'Retry-After': '1',
        }),
      );
      const response = await post(trackerMessage());
      expect({
        status: response.status,
        body: response.body as unknown,
        retryAfter: response.headers['retry-after'],
      }).toEqual({
        status: 503,
        body: errorEnvelope('SERVICE_UNAVAILABLE', 'The message cannot be accepted right now'),
        retryAfter: '1',
      });
    });
  });

  describe('a body that cannot be stored: 400 VALIDATION_ERROR, nothing produced or counted', () => {
    afterEach(() => {
      expect(producer.add).not.toHaveBeenCalled();
      expect(meter.drain()).toEqual([]);
    });

    it.each<[string, unknown, string]>([
      ['an array', [trackerMessage()], 'The body must be a JSON object: one tracker message'],
      ['an empty array', [], 'The body must be a JSON object: one tracker message'],
      // The parser takes only an object or an array at the top.
      ['null', null, 'The request body is not valid JSON'],
      ['a number', 42, 'The request body is not valid JSON'],
      ['a string', 'message', 'The request body is not valid JSON'],
      ['true', true, 'The request body is not valid JSON'],
    ])('%s', async (_label, value, message) => {
      const response = await postText(JSON.stringify(value));
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 400,
        body: errorEnvelope('VALIDATION_ERROR', message),
      });
    });

    it.each<[string, unknown]>([
      ['missing', undefined],
      ['null', null],
      ['a number', 6008002],
      ['empty', ''],
      ['longer than 64 characters', 'f'.repeat(65)],
      ['holding NUL', 'c0010c2a\u000069f088a4'],
      ['holding a lone surrogate', 'c0010c2a\ud80069f088a4'],
    ])('naming trackerId when it is %s', async (_label, trackerId) => {
      const response = await post(trackerMessage({ trackerId }));
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 400,
        body: errorEnvelope(
          'VALIDATION_ERROR',
          'The message has no usable trackerId and was not stored',
          [{ field: 'trackerId', message: expect.any(String) as string }],
        ),
      });
    });

    it('malformed JSON', async () => {
      const response = await postText('{"trackerId":"c0010c2a69f088a4",');
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 400,
        body: errorEnvelope('VALIDATION_ERROR', 'The request body is not valid JSON'),
      });
    });

    it('a body nested deeper than 64 levels', async () => {
      let deep: unknown = 1;
      for (let i = 0; i < 200; i++) deep = { deep };
      const response = await post(trackerMessage({ custom: deep }));
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 400,
        body: errorEnvelope(
          'VALIDATION_ERROR',
          'The body nests deeper than 64 levels and cannot be stored',
        ),
      });
    });
  });
});

import type { Response } from 'supertest';
import {
  ApiError,
  type ApiErrorBody,
  type ValidationIssue,
} from '../../src/common/errors/api-error';
import { TrafficMeter } from '../../src/metering/traffic-meter';
import { TelemetryRateLimiter } from '../../src/rate-limit/telemetry-rate-limiter';
import { TelemetryBatchValidator } from '../../src/telemetry/telemetry-batch.validator';
import { TelemetryIntakeService } from '../../src/telemetry/telemetry-intake.service';
import { TelemetryController } from '../../src/telemetry/telemetry.controller';
import { TelemetryProducer } from '../../src/telemetry/telemetry.producer';
import { signToken } from '../factories/token.factory';
import {
  examplePoints,
  pointSeries,
  telemetryPoint,
  type TelemetryPointBody,
} from '../factories/telemetry.factory';
import { UNAUTHORIZED, errorEnvelope, missingHeaders } from '../utils/api-envelope';
import { API_HEADERS, STUB_PRINCIPAL, createContractApp, type ContractApp } from './contract-app';

const PATH = '/apidev/v1/telemetry';
/** Room for the largest batch (1000 points), not for much more. */
const BODY_LIMIT_BYTES = 256 * 1024;

const accepted = (count: number) => ({
  success: true,
  data: { accepted: count, rejected: 0, status: 'OK' },
  meta: {},
});

/** Asserts a 400 VALIDATION_ERROR envelope and returns its details (none: []). */
function expectValidationError(response: Response): ValidationIssue[] {
  const body = response.body as ApiErrorBody;
  expect({
    status: response.status,
    body: { ...body, error: { ...body.error, details: undefined } },
  }).toEqual({
    status: 400,
    body: {
      success: false,
      error: { code: 'VALIDATION_ERROR', message: expect.any(String) },
      meta: {},
    },
  });
  return (body.error.details as ValidationIssue[] | undefined) ?? [];
}

describe('POST /apidev/v1/telemetry (contract)', () => {
  let app: ContractApp;
  let producer: jest.Mocked<TelemetryProducer>;
  let limiter: jest.Mocked<TelemetryRateLimiter>;
  const meter = new TrafficMeter();

  beforeAll(async () => {
    app = await createContractApp(TelemetryController, {
      providers: [
        TelemetryIntakeService,
        TelemetryBatchValidator,
        { provide: TrafficMeter, useValue: meter },
      ],
      mocks: [TelemetryProducer, TelemetryRateLimiter],
      env: { BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES) },
    });
    producer = app.mock(TelemetryProducer);
    limiter = app.mock(TelemetryRateLimiter);
  });
  afterAll(() => app.close());

  beforeEach(() => {
    app.resetMocks();
    meter.drain();
    limiter.charge.mockResolvedValue({ headers: { 'X-RateLimit-Remaining': '179' } });
  });

  const post = (body: unknown, headers: Record<string, string> = API_HEADERS) =>
    app.http
      .post(PATH)
      .set(headers)
      .send(body as object);
  const postText = (text: string, contentType = 'application/json') =>
    app.http
      .post(PATH)
      .set({ ...API_HEADERS, 'Content-Type': contentType })
      .send(text);

  describe('authentication, before the body is looked at', () => {
    it('400 BAD_REQUEST naming every missing header', async () => {
      const response = await app.http.post(PATH).set('Content-Type', 'text/plain').send('{');
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 400,
        body: missingHeaders('Authorization', 'X-API-Key', 'tenant'),
      });
    });

    it.each(['Authorization', 'X-API-Key', 'tenant'])(
      '400 BAD_REQUEST naming the missing %s header',
      async (missing) => {
        const headers = Object.fromEntries(
          Object.entries(API_HEADERS).filter(([name]) => name !== missing),
        );
        const response = await post(examplePoints(), headers);
        expect({ status: response.status, body: response.body as unknown }).toEqual({
          status: 400,
          body: missingHeaders(missing),
        });
      },
    );

    it('401 UNAUTHORIZED for a token signed with another secret, nothing charged or produced', async () => {
      const forged = signToken(
        { sub: STUB_PRINCIPAL.userId, tid: STUB_PRINCIPAL.tenantId },
        'another-secret-of-at-least-thirty-two-characters',
      );
      const response = await post(examplePoints(), {
        ...API_HEADERS,
        Authorization: `Bearer ${forged}`,
      });
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 401,
        body: UNAUTHORIZED,
      });
      expect(limiter.charge).not.toHaveBeenCalled();
      expect(producer.add).not.toHaveBeenCalled();
    });
  });

  describe('a valid batch', () => {
    it('is charged, reaches the producer as sent, and gets the documented 200 body', async () => {
      const text = JSON.stringify(examplePoints());
      const response = await app.http
        .post(PATH)
        .set({ ...API_HEADERS, 'Content-Type': 'application/json', 'X-Request-Id': 'batch-1' })
        .send(text);
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 200,
        body: accepted(2),
      });
      expect(response.headers['x-ratelimit-remaining']).toBe('179');
      expect(limiter.charge).toHaveBeenCalledWith(STUB_PRINCIPAL, examplePoints());
      expect(producer.add.mock.calls).toEqual([
        [
          {
            tenantId: STUB_PRINCIPAL.tenantId,
            requestId: 'batch-1',
            receivedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
            points: text,
          },
        ],
      ]);
    });

    it('counts its bytes for its IMEIs, split by their share of the points', async () => {
      // Three points of one IMEI and one of another, in 4n bytes: 3/4 and 1/4 of them.
      let text = JSON.stringify([
        ...pointSeries('352093081234567', 3),
        ...pointSeries('352093089999999', 1),
      ]);
      text += ' '.repeat((4 - (text.length % 4)) % 4);
      const response = await postText(text).expect(200);
      const answer = Buffer.byteLength(response.text);
      const counted = new Map(meter.drain().map((entry) => [entry.deviceId, entry]));
      expect(counted.get('352093081234567')).toMatchObject({
        tenantId: STUB_PRINCIPAL.tenantId,
        uploadBytes: (text.length * 3) / 4,
        uploadPackets: 1,
        downloadPackets: 1,
      });
      expect(counted.get('352093089999999')?.uploadBytes).toBe(text.length / 4);
      expect(
        counted.get('352093081234567')!.downloadBytes +
          counted.get('352093089999999')!.downloadBytes,
      ).toBe(answer);
    });

    it('503 SERVICE_UNAVAILABLE when the producer can neither queue nor store it', async () => {
      producer.add.mockRejectedValue(
        new ApiError('SERVICE_UNAVAILABLE', 'Telemetry cannot be accepted right now', undefined, {
          'Retry-After': '1',
        }),
      );
      const response = await post(examplePoints());
      expect({
        status: response.status,
        body: response.body as unknown,
        retryAfter: response.headers['retry-after'],
      }).toEqual({
        status: 503,
        body: errorEnvelope('SERVICE_UNAVAILABLE', 'Telemetry cannot be accepted right now'),
        retryAfter: '1',
      });
    });
  });

  it('429 RATE_LIMITED from the token buckets, before validation: an invalid batch pays too', async () => {
    limiter.charge.mockResolvedValue({
      headers: { 'X-RateLimit-Remaining': '0' },
      rejection: new ApiError('RATE_LIMITED', 'Rate limit exceeded', undefined, {
        'Retry-After': '2',
      }),
    });
    const response = await post([telemetryPoint({ latitude: '91' })]);
    expect({
      status: response.status,
      body: response.body as unknown,
      retryAfter: response.headers['retry-after'],
      remaining: response.headers['x-ratelimit-remaining'],
    }).toEqual({
      status: 429,
      body: errorEnvelope('RATE_LIMITED', 'Rate limit exceeded'),
      retryAfter: '2',
      remaining: '0',
    });
    expect(producer.add).not.toHaveBeenCalled();
  });

  describe('the body as sent: refused whole, nothing produced', () => {
    afterEach(() => {
      expect(producer.add).not.toHaveBeenCalled();
      expect(meter.drain()).toEqual([]);
    });

    it('415 UNSUPPORTED_MEDIA_TYPE for a body not declared JSON', async () => {
      const response = await postText(JSON.stringify(examplePoints()), 'text/plain');
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 415,
        body: errorEnvelope(
          'UNSUPPORTED_MEDIA_TYPE',
          'Content-Type must be application/json (UTF-8) (got "text/plain")',
        ),
      });
    });

    it('415 UNSUPPORTED_MEDIA_TYPE for JSON in another charset', async () => {
      const response = await postText(
        JSON.stringify(examplePoints()),
        'application/json; charset=latin1',
      );
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 415,
        body: errorEnvelope(
          'UNSUPPORTED_MEDIA_TYPE',
          'The only charset accepted is utf-8 (got "latin1")',
        ),
      });
    });

    it('413 PAYLOAD_TOO_LARGE for a body past BODY_LIMIT_BYTES', async () => {
      const text = JSON.stringify(pointSeries('352093081234567', 2000));
      expect(text.length).toBeGreaterThan(BODY_LIMIT_BYTES);
      const response = await postText(text);
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 413,
        body: errorEnvelope(
          'PAYLOAD_TOO_LARGE',
          'The request body is larger than this server accepts',
        ),
      });
    });

    it('400 VALIDATION_ERROR for malformed JSON', async () => {
      const response = await postText('[{"imei":');
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 400,
        body: errorEnvelope('VALIDATION_ERROR', 'The request body is not valid JSON'),
      });
    });
  });

  describe('the batch as a whole: 400 VALIDATION_ERROR, nothing produced or counted', () => {
    afterEach(() => {
      expect(producer.add).not.toHaveBeenCalled();
      expect(meter.drain()).toEqual([]);
    });

    it('names the point, the field and the rule of every invalid value', async () => {
      const response = await post([
        telemetryPoint(),
        telemetryPoint({ latitude: '91', speed: '45' }),
        telemetryPoint({ temperature: 21.5 }),
      ]);
      expect(response.status).toBe(400);
      expect(response.body).toEqual(
        errorEnvelope('VALIDATION_ERROR', '2 of 3 points are invalid; the batch was not accepted', [
          { index: 1, field: 'speed', message: 'must be a number' },
          { index: 1, field: 'latitude', message: 'must be a decimal number from -90 to 90' },
          { index: 2, field: 'temperature', message: 'is not a field of a telemetry point' },
        ]),
      );
    });

    it.each([
      ['an object', {}, 'The body must be a JSON array of telemetry points'],
      ['a point', telemetryPoint(), 'The body must be a JSON array of telemetry points'],
      ['an empty array', [], 'The batch must contain at least one point'],
      [
        '1001 points',
        pointSeries('352093081234567', 1001),
        'A batch holds at most 1000 points (got 1001)',
      ],
    ])('refuses %s', async (_label, body, message) => {
      const response = await post(body);
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 400,
        body: errorEnvelope('VALIDATION_ERROR', message),
      });
    });

    it.each(['"x"', '5', 'null', 'true'])('the JSON value %s is not a batch', async (text) => {
      expectValidationError(await postText(text));
    });

    it('details stop at 100 for 150 invalid points', async () => {
      const batch = pointSeries('352093081234567', 150).map((point) => ({
        ...point,
        heading: 400,
      }));
      const response = await post(batch);
      const details = expectValidationError(response);
      expect(details).toHaveLength(100);
      expect(details.map((issue) => issue.index)).toEqual([...Array(100).keys()]);
      expect(details.every((issue) => issue.field === 'heading')).toBe(true);
      expect((response.body as ApiErrorBody).error.message).toContain('150');
    });

    it('names the index of the one bad point in the middle of a valid batch', async () => {
      const batch: TelemetryPointBody[] = pointSeries('352093081234567', 9);
      batch[4] = { ...batch[4], longitude: '-181' };
      const details = expectValidationError(await post(batch));
      expect(details).toEqual([{ index: 4, field: 'longitude', message: expect.any(String) }]);
    });
  });

  describe('field rules: one invalid value → 400 naming the point and the field', () => {
    const future = (minutes: number) =>
      new Date(Date.now() + minutes * 60_000).toISOString().slice(0, 19);
    const cases: [string, unknown][] = [
      ['imei', ''],
      ['imei', 'x'.repeat(51)],
      ['imei', 352093081234567],
      ['imei', 'a\u0000b'],
      ['eventcode', '999'],
      ['eventcode', 101],
      ['eventcode', '101 '],
      ['fix', 'true'],
      ['fix', 1],
      ['datetime', '2026-04-04T14:30:00Z'],
      ['datetime', '2026-04-04T14:30:00-03:00'],
      ['datetime', '2026-02-30T10:00:00'],
      ['datetime', '2026-04-04 14:30:00'],
      ['datetime', '2026-04-04T14:30'],
      ['datetime', future(11)],
      ['datetime', 'x'.repeat(41)],
      ['latitude', '91'],
      ['latitude', '-90.5'],
      ['latitude', '1e1'],
      ['latitude', -34.6],
      ['latitude', 'x'.repeat(26)],
      ['longitude', '180.1'],
      ['longitude', '+58'],
      ['longitude', ' -58.3'],
      ['altitude', '25'],
      ['altitude', null],
      ['speed', -0.1],
      ['speed', '45'],
      ['heading', 360.5],
      ['heading', -1],
      ['satellites', 12.5],
      ['satellites', 256],
      ['satellites', -1],
      ['satellites', '12'],
      ['ignition', 'yes'],
      ['ignition', null],
      ['accuracy', '-1'],
      ['accuracy', 3.5],
      ['accuracy', '1'.repeat(31)],
      ['odometer', '1e3'],
      ['odometer', '12.'],
      ['odometer', 125430],
      ['odometer', '1'.repeat(51)],
      ['horometer', -1],
      ['horometer', '5'],
      ['address', 'x'.repeat(501)],
      ['address', 42],
      ['address', 'a\u0000b'],
    ];
    it.each(cases)('%s = %j', async (field, value) => {
      const details = expectValidationError(
        await post([telemetryPoint(), { ...telemetryPoint(), [field]: value }]),
      );
      expect(details).toContainEqual({ index: 1, field, message: expect.any(String) });
      expect(details.every((issue) => issue.index === 1)).toBe(true);
    });

    it.each([
      'imei',
      'eventcode',
      'fix',
      'datetime',
      'latitude',
      'longitude',
      'altitude',
      'speed',
      'heading',
    ])('required field %s missing', async (field) => {
      const details = expectValidationError(
        await post([telemetryPoint(), telemetryPoint({ [field]: undefined })]),
      );
      expect(details).toEqual([{ index: 1, field, message: 'is required' }]);
    });

    it('a datetime with a zone is rejected with a message showing the expected form', async () => {
      const details = expectValidationError(
        await post([telemetryPoint({ datetime: '2026-04-04T14:30:00Z' })]),
      );
      expect(details).toEqual([
        { index: 0, field: 'datetime', message: expect.stringContaining('"2026-04-04T14:30:00"') },
      ]);
    });

    it('optional fields may be absent and take every valid form', async () => {
      const response = await post([
        telemetryPoint({ datetime: '2026-04-04T10:00:00' }),
        telemetryPoint({
          datetime: '2026-04-04T10:00:01.123456',
          satellites: 0,
          ignition: false,
          accuracy: '0',
          odometer: '0.5',
          horometer: 0,
          address: 'Av. Corrientes 1234, CABA \u{1F697}',
          heading: 360,
          speed: 0,
          latitude: '-90',
          longitude: '180',
        }),
        telemetryPoint({ datetime: future(9), eventcode: '165', satellites: 255 }),
      ]);
      expect(response.status).toBe(200);
      expect(response.body).toStrictEqual(accepted(3));
    });

    it('each of the 29 event codes is accepted', async () => {
      const codes = [
        ...['101', '113', '116', '117', '118', '119', '120', '121', '122', '123', '124', '125'],
        ...['126', '127', '128', '129', '130', '131', '132', '133', '149', '150', '151', '152'],
        ...['153', '162', '163', '164', '165'],
      ];
      const response = await post(codes.map((eventcode) => telemetryPoint({ eventcode })));
      expect(response.body).toStrictEqual(accepted(29));
    });
  });
});

import { getQueueToken } from '@nestjs/bull';
import type { Job, Queue } from 'bull';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { TenantCredentials } from '../../src/auth/tenants.service';
import { TELEMETRY_QUEUE, type IngestTelemetryJob } from '../../src/telemetry/telemetry.queue';
import { northboundCredentials, trackerMessage } from '../factories/northbound.factory';
import { apiHeaders, createTenant, issueToken, tenantIdOf } from '../factories/tenant.factory';
import { randomImei, telemetryPoint } from '../factories/telemetry.factory';
import { errorEnvelope, missingHeaders, UNAUTHORIZED } from '../utils/api-envelope';
import { rawRequest } from '../utils/raw-http';
import { createTestApp, type TestApp } from '../utils/test-app';
import { describeWithRedis } from '../utils/test-database';
import { waitFor } from '../utils/wait';

const TELEMETRY = '/apidev/v1/telemetry';
/** Bytes sent as they are (supertest would serialise a Buffer as JSON). */
const asIs = (body: unknown) => body as string;
const DATA = '/data';

/**
 * How a request is let in: who it is (from its headers alone), then its body, read once, within a
 * deadline, as UTF-8 JSON only; and what is refused on the way, always in the envelope.
 */
describe('request admission', () => {
  let testApp: TestApp;
  let tenant: TenantCredentials;
  let tenantId: string;
  let headers: Record<string, string>;
  let port: number;

  beforeAll(async () => {
    testApp = await createTestApp({ env: { BODY_TIMEOUT_SECONDS: '2' } });
    tenant = await createTenant(testApp);
    tenantId = await tenantIdOf(testApp, tenant.tenant);
    headers = apiHeaders(tenant, await issueToken(testApp, tenant));
    const server = testApp.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => testApp.close());

  /** The devices of the tenant whose external id is `externalId` or mangled from it. */
  const devicesLike = async (pattern: string) =>
    testApp.dataSource.query<{ external_id: string }[]>(
      'SELECT external_id FROM devices WHERE tenant_id = $1 AND external_id LIKE $2',
      [tenantId, pattern],
    );

  const positionsOf = async (imei: string) => {
    const [row] = await testApp.dataSource.query<{ count: string }[]>(
      `SELECT count(*) FROM positions p JOIN devices d ON d.id = p.device_id
       WHERE d.tenant_id = $1 AND d.external_id = $2`,
      [tenantId, imei],
    );
    return Number(row.count);
  };

  /** Waits until the one point sent for `imei` is stored, and fails if it never is. */
  const expectStored = async (imei: string) =>
    expect(
      await waitFor(
        () => positionsOf(imei),
        (count) => count === 1,
      ),
    ).toBe(1);

  /**
   * Whatever an earlier refused request could have queued is stored by the time a batch sent after
   * it is: waits for such a batch, so that "nothing stored" is not merely "not stored yet".
   */
  async function afterTheQueueDrains(): Promise<void> {
    const imei = randomImei();
    await testApp.http
      .post(TELEMETRY)
      .set(headers)
      .send([telemetryPoint({ imei })])
      .expect(200);
    await expectStored(imei);
  }

  describe('the body is UTF-8 JSON, parsed once: what was validated is what is stored', () => {
    it.each([
      'application/json; charset=utf-7',
      'application/json; xcharset=utf-8; charset=utf-7',
      'application/json; charset=utf-16le',
      'application/json; charset=iso-8859-1',
    ])('refuses "%s" on telemetry with 415, storing nothing', async (contentType) => {
      const imei = randomImei();
      const response = await testApp.http
        .post(TELEMETRY)
        .set({ ...headers, 'Content-Type': contentType })
        .send(JSON.stringify([telemetryPoint({ imei, address: '+ACIALA-' })]));
      expect(response.status).toBe(415);
      expect((response.body as { error: { code: string; message: string } }).error).toEqual({
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: expect.stringMatching(/^The only charset accepted is utf-8/) as unknown,
      });
      await afterTheQueueDrains();
      expect(await positionsOf(imei)).toBe(0);
    });

    it('accepts utf-8 spelled in any case', async () => {
      const imei = randomImei();
      await testApp.http
        .post(TELEMETRY)
        .set({ ...headers, 'Content-Type': 'application/json; charset=UTF-8' })
        .send(JSON.stringify([telemetryPoint({ imei })]))
        .expect(200);
      await expectStored(imei);
    });

    it('refuses another charset on /data with 415 too', async () => {
      const message = trackerMessage();
      const response = await testApp.http
        .post(DATA)
        .auth(...northboundCredentials(tenant))
        .set('Content-Type', 'application/json; charset=utf-7')
        .send(JSON.stringify(message));
      expect(response.status).toBe(415);
      expect((response.body as { error: { code: string } }).error.code).toBe(
        'UNSUPPORTED_MEDIA_TYPE',
      );
      expect(await devicesLike(String(message.trackerId))).toEqual([]);
    });

    it.each([
      ['telemetry', TELEMETRY],
      ['/data', DATA],
    ])(
      'refuses bytes that are not UTF-8 on %s with 400, creating no device',
      async (_name, path) => {
        const id = `bad${randomImei()}`;
        const json =
          path === TELEMETRY
            ? JSON.stringify([telemetryPoint({ imei: `${id}#` })])
            : JSON.stringify(trackerMessage({ trackerId: `${id}#` }));
        // `#` becomes a lone continuation byte: the parser would read it as U+FFFD.
        const bytes = Buffer.from(json.replace(`${id}#`, `${id}\u0000`), 'utf8');
        bytes[bytes.indexOf(0)] = 0x80;
        const request = testApp.http.post(path).set('Content-Type', 'application/json');
        const response = await (
          path === TELEMETRY ? request.set(headers) : request.auth(...northboundCredentials(tenant))
        )
          .serialize(asIs)
          .send(bytes);
        expect(response.status).toBe(400);
        expect(response.body).toEqual(
          errorEnvelope('BAD_REQUEST', 'The request body is not valid UTF-8'),
        );
        await afterTheQueueDrains();
        expect(await devicesLike(`${id}%`)).toEqual([]);
      },
    );
  });

  describe('a Content-Encoding the body does not match is the caller’s 400, not a 500', () => {
    const json = () => Buffer.from(JSON.stringify([telemetryPoint({ imei: randomImei() })]));

    it.each([
      ['gzip over plain JSON', 'gzip', json],
      ['br over plain JSON', 'br', json],
      ['deflate over gzip', 'deflate', () => gzipSync(json())],
    ])('%s, on telemetry and /data', async (_label, encoding, body) => {
      for (const path of [TELEMETRY, DATA]) {
        const request = testApp.http
          .post(path)
          .set({ 'Content-Type': 'application/json', 'Content-Encoding': encoding });
        const response = await (
          path === TELEMETRY ? request.set(headers) : request.auth(...northboundCredentials(tenant))
        )
          .serialize(asIs)
          .send(body());
        expect({ path, status: response.status, body: response.body as unknown }).toEqual({
          path,
          status: 400,
          body: errorEnvelope(
            'BAD_REQUEST',
            'The request body could not be decoded as its headers say',
          ),
        });
      }
    });

    it('still takes bodies compressed as they say (gzip, br)', async () => {
      for (const [encoding, compress] of [
        ['gzip', gzipSync],
        ['br', brotliCompressSync],
      ] as const) {
        const imei = randomImei();
        await testApp.http
          .post(TELEMETRY)
          .set({ ...headers, 'Content-Type': 'application/json', 'Content-Encoding': encoding })
          .serialize(asIs)
          .send(compress(Buffer.from(JSON.stringify([telemetryPoint({ imei })]))))
          .expect(200);
        await expectStored(imei);
      }
    });
  });

  describe('credentials are judged from the headers, before any body is read', () => {
    /** A POST whose body announces 1,000 bytes and sends one: it would never complete. */
    const stalledPost = (path: string, extraHeaders: Record<string, string>) =>
      rawRequest(
        port,
        `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
          'Content-Length: 1000\r\n' +
          Object.entries(extraHeaders)
            .map(([name, value]) => `${name}: ${value}\r\n`)
            .join('') +
          '\r\n',
        '[',
      );

    it('answers missing credentials at once, without waiting for the body', async () => {
      const response = await stalledPost(TELEMETRY, { tenant: tenant.tenant });
      response.socket.destroy();
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body)).toEqual(missingHeaders('Authorization', 'X-API-Key'));
      // Far inside the body deadline (2 s here): nothing waited for the body.
      expect(response.elapsedMs).toBeLessThan(2000);
    });

    it('answers wrong credentials with 401 at once, on telemetry and /data', async () => {
      const telemetry = await stalledPost(TELEMETRY, { ...headers, 'X-API-Key': 'fh_wrong' });
      const data = await stalledPost(DATA, {
        Authorization: `Basic ${Buffer.from('nobody:wrong').toString('base64')}`,
      });
      telemetry.socket.destroy();
      data.socket.destroy();
      expect([telemetry.status, data.status]).toEqual([401, 401]);
      expect(JSON.parse(telemetry.body)).toEqual(UNAUTHORIZED);
      expect(Math.max(telemetry.elapsedMs, data.elapsedMs)).toBeLessThan(2000);
    });

    it('gives an authenticated body BODY_TIMEOUT_SECONDS to arrive, then 408 and the connection closed', async () => {
      const response = await stalledPost(TELEMETRY, headers);
      const closed = new Promise<void>((resolve) => response.socket.once('close', resolve));
      expect(response.status).toBe(408);
      expect(response.headers.connection).toBe('close');
      expect(JSON.parse(response.body)).toEqual(
        errorEnvelope('REQUEST_TIMEOUT', 'The request body did not arrive within 2 s'),
      );
      expect(response.elapsedMs).toBeGreaterThanOrEqual(1900);
      await closed;
    });
  });

  it('answers a request line past the header limit with 431 in the envelope', async () => {
    const response = await rawRequest(
      port,
      `GET /apidev/v1/devices?q=${'a'.repeat(100_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`,
    );
    response.socket.destroy();
    expect(response.status).toBe(431);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(response.body)).toEqual(
      errorEnvelope(
        'REQUEST_HEADERS_TOO_LARGE',
        'The request line and headers are larger than this server accepts (16384 bytes)',
      ),
    );
  });

  it('answers an Expect it cannot meet with 417 in the envelope', async () => {
    const response = await rawRequest(
      port,
      `GET /apidev/v1/devices HTTP/1.1\r\nHost: localhost\r\nExpect: teapot\r\n\r\n`,
    );
    response.socket.destroy();
    expect(response.status).toBe(417);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(response.body)).toEqual(
      errorEnvelope('EXPECTATION_FAILED', 'The only Expect this server meets is 100-continue'),
    );
  });
});

describeWithRedis('a job the worker cannot store for its content', () => {
  let testApp: TestApp;
  let queue: Queue<IngestTelemetryJob>;
  beforeAll(async () => {
    testApp = await createTestApp();
    queue = testApp.app.get<Queue>(getQueueToken(TELEMETRY_QUEUE), { strict: false });
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await testApp.close();
  });

  it.each([
    [
      'an event code the API never accepts',
      JSON.stringify([telemetryPoint({ eventcode: '999' })]),
      /Unknown event code "999"/,
    ],
    ['points that are not JSON', '[{"imei":', /not JSON/],
  ])(
    'goes to the failed set at its first attempt, with the reason: %s',
    async (_label, points, reason) => {
      const tenant = await createTenant(testApp);
      const job: Job<IngestTelemetryJob> = await queue.add(
        'ingest',
        {
          tenantId: await tenantIdOf(testApp, tenant.tenant),
          requestId: 'poison',
          receivedAt: new Date().toISOString(),
          points,
        },
        { attempts: 8, backoff: { type: 'fixed', delay: 10 } },
      );
      const failed = await waitFor(
        () => queue.getJob(job.id),
        (current) => current?.finishedOn !== undefined && current.finishedOn !== null,
        { timeoutMs: 10_000 },
      );
      expect(await failed?.getState()).toBe('failed');
      expect(failed?.attemptsMade).toBe(1);
      expect(failed?.failedReason).toMatch(reason);
    },
  );
});

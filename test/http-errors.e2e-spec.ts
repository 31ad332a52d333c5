import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { createTenant } from './factories/tenant.factory';
import { errorEnvelope, missingHeaders } from './utils/api-envelope';
import { listeningUrl } from './utils/listening-url';
import { PROBE_PATH, PROBE_SECRET_ERROR, ProbeController } from './utils/probe.controller';
import { rawRequest } from './utils/raw-http';
import { createTestApp, type TestApp } from './utils/test-app';
import { testRedisUrl } from './utils/test-database';

const TOKEN_PATH = '/apidev/v1/auth/token';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A JSON envelope, not an HTML page or a bare string. */
function expectJson(response: Response): void {
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.text.trimStart().startsWith('{')).toBe(true);
}

describe('HTTP errors, request ids and operations endpoints', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp({ extraControllers: [ProbeController] });
  });
  afterAll(() => testApp.close());

  describe('unknown routes', () => {
    it.each([
      ['GET', '/apidev/v1/no-such-route'],
      ['GET', '/no-such-page'],
      ['DELETE', TOKEN_PATH],
    ])('answers %s %s with 404 NOT_FOUND in the envelope', async (method, path) => {
      const response = await testApp.http[method.toLowerCase() as 'get' | 'delete'](path);
      expect(response.status).toBe(404);
      expectJson(response);
      expect(response.body).toEqual(errorEnvelope('NOT_FOUND', `Cannot ${method} ${path}`));
    });
  });

  describe('unexpected failures', () => {
    it('answers 500 INTERNAL_ERROR with the request id and nothing of the cause', async () => {
      const response = await testApp.http.get(`${PROBE_PATH}/boom`);
      expect(response.status).toBe(500);
      expectJson(response);
      const requestId = response.headers['x-request-id'];
      expect(requestId).toMatch(UUID);
      expect(response.body).toEqual({
        success: false,
        error: { code: 'INTERNAL_ERROR', message: 'Internal server error' },
        meta: { requestId },
      });
      expect(response.text).not.toContain('secret');
      expect(response.text).not.toContain(PROBE_SECRET_ERROR);
      expect(response.text).not.toMatch(/\bat \w|\.ts:\d|stack/);
    });

    it('reports the caller-chosen request id on a 500, for support to find the log line', async () => {
      const response = await testApp.http
        .get(`${PROBE_PATH}/boom`)
        .set('X-Request-Id', 'support-ticket-42');
      expect(response.status).toBe(500);
      expect((response.body as { meta: unknown }).meta).toEqual({ requestId: 'support-ticket-42' });
    });
  });

  describe('X-Request-Id', () => {
    it('echoes a sane id the caller sends', async () => {
      const id = `trace.${randomBytes(4).toString('hex')}:span-1_A`;
      const response = await testApp.http.get('/health/live').set('X-Request-Id', id).expect(200);
      expect(response.headers['x-request-id']).toBe(id);
    });

    it('generates a UUID when the caller sends none', async () => {
      const first = await testApp.http.get('/health/live').expect(200);
      const second = await testApp.http.get('/health/live').expect(200);
      expect(first.headers['x-request-id']).toMatch(UUID);
      expect(second.headers['x-request-id']).toMatch(UUID);
      expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
    });

    it.each([
      ['spaces', 'has spaces in it'],
      ['markup', '<script>alert(1)</script>'],
      ['an overlong id', 'a'.repeat(129)],
    ])('replaces an id with %s by a UUID', async (_label, id) => {
      const response = await testApp.http.get('/health/live').set('X-Request-Id', id).expect(200);
      expect(response.headers['x-request-id']).toMatch(UUID);
    });

    it('is set on API error answers', async () => {
      const response = await testApp.http.get(PROBE_PATH).set('X-Request-Id', 'missing-headers-1');
      expect(response.status).toBe(400);
      expect(response.body).toEqual(missingHeaders('Authorization', 'X-API-Key', 'tenant'));
      expect(response.headers['x-request-id']).toBe('missing-headers-1');
    });
  });

  describe('operations endpoints', () => {
    it('GET /health/live answers 200', async () => {
      const response = await testApp.http.get('/health/live').expect(200);
      expect(response.body).toEqual({ status: 'ok' });
    });

    it('GET /health/ready answers 200 with the database (and Redis and its queues, when used) up', async () => {
      const response = await testApp.http.get('/health/ready').expect(200);
      const idle = { waiting: 0, oldestWaitingAgeSeconds: 0 };
      const up = {
        database: { status: 'up' },
        ...(testRedisUrl()
          ? {
              redis: { status: 'up' },
              queue: { status: 'up', telemetry: idle, northbound: idle },
            }
          : {}),
      };
      expect(response.body).toEqual({ status: 'ok', info: up, error: {}, details: up });
    });

    it('GET /metrics exposes the request histogram, labelled by route pattern', async () => {
      await testApp.http.post(TOKEN_PATH).send({}).expect(400);
      const unknown = `/apidev/v1/unknown-${randomBytes(4).toString('hex')}`;
      await testApp.http.get(unknown).expect(404);

      const response = await testApp.http.get('/metrics').expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.text).toContain('# TYPE http_request_duration_seconds histogram');
      expect(response.text).toMatch(
        /^http_request_duration_seconds_count\{method="POST",route="\/apidev\/v1\/auth\/token",status_code="400"\} [1-9]\d*$/m,
      );
      // Raw URLs never become labels (they would grow the series without bound).
      expect(response.text).not.toContain(unknown);
    });

    it('GET /docs/openapi.json documents the token endpoint and the auth schemes', async () => {
      const response = await testApp.http.get('/docs/openapi.json').expect(200);
      const document = response.body as {
        paths: Record<string, unknown>;
        components: { securitySchemes: Record<string, unknown> };
      };
      // Each route's security requirement: openapi.e2e-spec.ts.
      expect(Object.keys(document.paths)).toContain(TOKEN_PATH);
      expect(Object.keys(document.components.securitySchemes).sort()).toEqual(
        ['api-key', 'jwt', 'microvisor-device', 'northbound', 'tenant', 'twilio'].sort(),
      );
    });
  });
});

describe('HTTP errors: a body over BODY_LIMIT_BYTES', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp({ env: { BODY_LIMIT_BYTES: '2048' } });
  });
  afterAll(() => testApp.close());

  let keyHeaders: Record<string, string>;
  beforeAll(async () => {
    const tenant = await createTenant(testApp);
    keyHeaders = { 'X-API-Key': tenant.apiKey, tenant: tenant.tenant };
  });

  it('answers a 4 KB JSON body with 413 PAYLOAD_TOO_LARGE in the envelope', async () => {
    const body = JSON.stringify({ username: 'admin', password: 'x'.repeat(4096) });
    const response = await testApp.http
      .post(TOKEN_PATH)
      .set({ ...keyHeaders, 'Content-Type': 'application/json' })
      .send(body);
    expect(response.status).toBe(413);
    expectJson(response);
    expect(response.body).toEqual(
      errorEnvelope('PAYLOAD_TOO_LARGE', 'The request body is larger than this server accepts'),
    );
  });

  it('answers a body declared past the limit with 413 at once, without waiting for it', async () => {
    const port = Number(new URL(await listeningUrl(testApp)).port);
    const head =
      `POST ${TOKEN_PATH} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
      `X-API-Key: ${keyHeaders['X-API-Key']}\r\ntenant: ${keyHeaders.tenant}\r\n` +
      'Content-Length: 1000000\r\n\r\n';
    // Far less than announced: waiting for the rest would end in the body deadline's 408.
    const response = await rawRequest(port, head, '{"username":"admin"');
    response.socket.destroy();
    expect(response.status).toBe(413);
    expect(response.headers.connection).toBe('close');
    expect(JSON.parse(response.body)).toEqual(
      errorEnvelope('PAYLOAD_TOO_LARGE', 'The request body is larger than this server accepts'),
    );
  });

  it('still parses a body just under the limit (the request reaches validation)', async () => {
    const body = JSON.stringify({ username: 'admin', password: 'x'.repeat(1900) });
    expect(Buffer.byteLength(body)).toBeLessThan(2048);
    const response = await testApp.http
      .post(TOKEN_PATH)
      .set({ ...keyHeaders, 'Content-Type': 'application/json' })
      .send(body);
    expect(response.status).toBe(400);
    expect((response.body as { error: { code: string } }).error.code).toBe('VALIDATION_ERROR');
  });
});

describe('operations endpoints without Redis', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp({ redis: false });
  });
  afterAll(() => testApp.close());

  it('GET /health/ready checks only the database', async () => {
    const response = await testApp.http.get('/health/ready').expect(200);
    const up = { database: { status: 'up' } };
    expect(response.body).toEqual({ status: 'ok', info: up, error: {}, details: up });
  });
});

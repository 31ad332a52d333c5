import { createTestApp, type TestApp } from './utils/test-app';

interface Operation {
  security?: Record<string, string[]>[];
  tags?: string[];
  requestBody?: { content: Record<string, unknown> };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

const TOKEN_PATH = '/apidev/v1/auth/token';
/** One requirement object: every scheme in it at once (separate objects would be alternatives). */
const DUAL_AUTH = [{ jwt: [], 'api-key': [], tenant: [] }];
const API_KEY_AND_TENANT = [{ 'api-key': [], tenant: [] }];

describe('OpenAPI (/docs/openapi.json): the security each /apidev/v1 route requires', () => {
  let testApp: TestApp;
  let operations: { route: string; security: unknown }[];
  beforeAll(async () => {
    testApp = await createTestApp({ redis: false });
    const response = await testApp.http.get('/docs/openapi.json').expect(200);
    const { paths } = response.body as OpenApiDocument;
    operations = Object.entries(paths)
      .filter(([path]) => path.startsWith('/apidev/v1/'))
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({
          route: `${method.toUpperCase()} ${path}`,
          security: operation.security,
        })),
      );
  });
  afterAll(() => testApp.close());

  it('documents the token route, telemetry and the device routes', () => {
    expect(operations.map(({ route }) => route)).toEqual(
      expect.arrayContaining([
        `POST ${TOKEN_PATH}`,
        'POST /apidev/v1/telemetry',
        'GET /apidev/v1/devices',
        'GET /apidev/v1/devices/stream',
        'GET /apidev/v1/devices/{deviceId}',
        'GET /apidev/v1/devices/{deviceId}/positions',
        'GET /apidev/v1/devices/{deviceId}/events',
      ]),
    );
  });

  it('asks for the bearer token, X-API-Key and tenant together on every route but the token', () => {
    const others = operations.filter(({ route }) => route !== `POST ${TOKEN_PATH}`);
    expect(others.length).toBeGreaterThanOrEqual(6);
    for (const operation of others) {
      expect(operation).toEqual({ route: operation.route, security: DUAL_AUTH });
    }
  });

  it('asks for X-API-Key and tenant together on the token route', () => {
    expect(operations.find(({ route }) => route === `POST ${TOKEN_PATH}`)).toEqual({
      route: `POST ${TOKEN_PATH}`,
      security: API_KEY_AND_TENANT,
    });
  });
});

describe('OpenAPI (/docs/openapi.json): the Twilio-compatible routes', () => {
  let testApp: TestApp;
  /** Every operation of the document, and those of Twilio's own APIs (`/<product>/v1`). */
  let all: { route: string; operation: Operation }[];
  let operations: { route: string; operation: Operation }[];
  beforeAll(async () => {
    testApp = await createTestApp({ redis: false });
    const { paths } = (await testApp.http.get('/docs/openapi.json').expect(200))
      .body as OpenApiDocument;
    all = Object.entries(paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        route: `${method.toUpperCase()} ${path}`,
        operation,
      })),
    );
    operations = all.filter(({ route }) => /^\S+ \/(wireless|microvisor)\/v1\//.test(route));
  });
  afterAll(() => testApp.close());

  const operation = (route: string) => all.find((each) => each.route === route)?.operation;

  it('documents every RatePlans operation', () => {
    expect(operations.map(({ route }) => route)).toEqual(
      expect.arrayContaining([
        'POST /wireless/v1/RatePlans',
        'GET /wireless/v1/RatePlans',
        'GET /wireless/v1/RatePlans/{Sid}',
        'POST /wireless/v1/RatePlans/{Sid}',
        'DELETE /wireless/v1/RatePlans/{Sid}',
      ]),
    );
  });

  it('documents every Microvisor Configs and Secrets operation', () => {
    const lists = [
      '/microvisor/v1/Configs',
      '/microvisor/v1/Secrets',
      '/microvisor/v1/Devices/{DeviceSid}/Configs',
      '/microvisor/v1/Devices/{DeviceSid}/Secrets',
    ];
    expect(operations.map(({ route }) => route)).toEqual(
      expect.arrayContaining(
        lists.flatMap((list) => [
          `POST ${list}`,
          `GET ${list}`,
          `GET ${list}/{Key}`,
          `POST ${list}/{Key}`,
          `DELETE ${list}/{Key}`,
        ]),
      ),
    );
  });

  it('documents every Microvisor Apps and Devices operation', () => {
    expect(operations.map(({ route }) => route)).toEqual(
      expect.arrayContaining([
        'GET /microvisor/v1/Apps',
        'GET /microvisor/v1/Apps/{Sid}',
        'DELETE /microvisor/v1/Apps/{Sid}',
        'GET /microvisor/v1/Apps/{AppSid}/Manifest',
        'GET /microvisor/v1/Devices',
        'GET /microvisor/v1/Devices/{Sid}',
        'POST /microvisor/v1/Devices/{Sid}',
      ]),
    );
  });

  it("documents the Microvisor upload: the 'twilio' Basic scheme, a multipart body", () => {
    const upload = operation('POST /microvisor-upload/v1/Apps');
    expect(upload?.security).toEqual([{ twilio: [] }]);
    expect(upload?.tags).toHaveLength(1);
    expect(Object.keys(upload?.requestBody?.content ?? {})).toEqual(['multipart/form-data']);
  });

  it("documents the Microvisor device side: the device's Bearer credential, a JSON check-in", () => {
    const checkIn = operation('POST /microvisor/device/v1/check-in');
    const bundle = operation('GET /microvisor/device/v1/apps/{Sid}/bundle');
    for (const deviceRoute of [checkIn, bundle]) {
      expect(deviceRoute?.security).toEqual([{ 'microvisor-device': [] }]);
      expect(deviceRoute?.tags).toHaveLength(1);
    }
    expect(Object.keys(checkIn?.requestBody?.content ?? {})).toEqual(['application/json']);
  });

  it("asks for the 'twilio' Basic scheme on each, tags it, and takes form bodies", () => {
    for (const { route, operation } of operations) {
      expect({ route, security: operation.security, tagged: operation.tags?.length }).toEqual({
        route,
        security: [{ twilio: [] }],
        tagged: 1,
      });
      if (operation.requestBody) {
        expect(Object.keys(operation.requestBody.content)).toEqual([
          'application/x-www-form-urlencoded',
        ]);
      }
    }
  });
});

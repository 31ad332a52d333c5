import type { TenantCredentials } from '../../src/auth/tenants.service';
import { apiHeaders, createTenant, issueToken } from '../factories/tenant.factory';
import { randomImei } from '../factories/telemetry.factory';
import { errorEnvelope } from '../utils/api-envelope';
import { listeningUrl } from '../utils/listening-url';
import { SseClient } from '../utils/sse-client';
import { createTestApp, type TestApp } from '../utils/test-app';
import { waitFor } from '../utils/wait';

const PER_TENANT = 3;
const PER_PROCESS = 5;

const TENANT_FULL = errorEnvelope(
  'RATE_LIMITED',
  `This tenant has ${PER_TENANT} live streams open, as many as it may; retry once one has ended`,
);
const PROCESS_FULL = errorEnvelope(
  'SERVICE_UNAVAILABLE',
  'The server has as many live streams open as it allows; retry shortly',
);

describe('Live streams are capped per tenant and per process', () => {
  let testApp: TestApp;
  let url: string;
  const headers = new Map<TenantCredentials, Record<string, string>>();
  const clients: SseClient[] = [];

  const newTenant = async (name: string) => {
    const tenant = await createTenant(testApp, name);
    headers.set(tenant, apiHeaders(tenant, await issueToken(testApp, tenant)));
    return tenant;
  };
  const open = async (tenant: TenantCredentials, query = '') => {
    const client = await SseClient.open(`${url}/apidev/v1/devices/stream${query}`, {
      ...headers.get(tenant),
    });
    clients.push(client);
    return client;
  };
  /** A refusal's status and Retry-After, then (a refusal ends) its body. */
  const expectRefused = async (client: SseClient, status: number, body: unknown) => {
    expect([client.status, client.response.headers['retry-after']]).toEqual([status, '10']);
    expect(await client.body()).toEqual(body);
  };

  beforeAll(async () => {
    testApp = await createTestApp({
      env: {
        LIVE_MAX_STREAMS_PER_TENANT: String(PER_TENANT),
        LIVE_MAX_STREAMS: String(PER_PROCESS),
      },
    });
    url = await listeningUrl(testApp);
  });

  /** Connections the server still has open: a stream's slot is back once its connection is gone. */
  const openConnections = () =>
    new Promise<number>((resolve, reject) =>
      testApp.app
        .getHttpServer()
        .getConnections((error, count) => (error ? reject(error) : resolve(count))),
    );

  afterEach(async () => {
    clients.splice(0).forEach((client) => client.close());
    await waitFor(openConnections, (count) => count === 0);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it("refuses a tenant's stream over its share with 429, and anyone's over the process's with 503", async () => {
    const [a, b, c] = [await newTenant('A'), await newTenant('B'), await newTenant('C')];
    const ofA = await Promise.all(Array.from({ length: PER_TENANT }, () => open(a)));
    expect(ofA.map((client) => client.status)).toEqual([200, 200, 200]);
    await expectRefused(await open(a), 429, TENANT_FULL);

    expect([(await open(b)).status, (await open(b)).status]).toEqual([200, 200]);
    await expectRefused(await open(c), 503, PROCESS_FULL);

    // A stream that closes makes room for another.
    ofA[0].close();
    const next = await waitFor(
      () => open(a),
      (client) => client.status === 200,
    );
    expect(next.status).toBe(200);
  });

  it('gives the slot back when a stream is refused after taking it (unknown device)', async () => {
    const tenant = await newTenant('D');
    for (let i = 0; i < PER_TENANT + 1; i++) {
      const client = await open(tenant, `?deviceId=${randomImei()}`);
      expect(client.status).toBe(404);
      await client.body();
    }
    const streams = await Promise.all(Array.from({ length: PER_TENANT }, () => open(tenant)));
    expect(streams.map((client) => client.status)).toEqual([200, 200, 200]);
  });
});

import type { AddressInfo } from 'node:net';
import type { TenantCredentials } from '../../src/auth/tenants.service';
import { UsersService } from '../../src/auth/users.service';
import { position, storeDeviceData } from '../factories/device-data.factory';
import { examplePoints, randomImei } from '../factories/telemetry.factory';
import { apiHeaders, createTenant, issueToken, tenantIdOf } from '../factories/tenant.factory';
import { errorEnvelope } from '../utils/api-envelope';
import { SseClient } from '../utils/sse-client';
import { createTestApp, type TestApp } from '../utils/test-app';

const BASE = '/apidev/v1/devices';
const FORBIDDEN = errorEnvelope('FORBIDDEN', 'Users of role "device" may not use this route');

/** A `device` user (a tracker or gateway) may get a token and send telemetry, and nothing else. */
describe('user roles on /apidev/v1', () => {
  let testApp: TestApp;
  let tenant: TenantCredentials;
  let adminHeaders: Record<string, string>;
  let deviceHeaders: Record<string, string>;
  let url: string;
  const imei = randomImei();
  const streams: SseClient[] = [];

  /** Every read route of the family, each with its path and query. */
  const READS: [string, string][] = [
    ['the device list', BASE],
    ['one device', `${BASE}/${imei}`],
    ['a position page', `${BASE}/${imei}/positions`],
    ['a CSV export', `${BASE}/${imei}/positions?format=csv`],
    ['a GeoJSON export', `${BASE}/${imei}/positions?format=geojson`],
    ['a GPX export', `${BASE}/${imei}/positions?format=gpx`],
    ['the events', `${BASE}/${imei}/events`],
  ];

  const openStream = async (headers: Record<string, string>) => {
    const client = await SseClient.open(`${url}${BASE}/stream`, headers);
    streams.push(client);
    return client;
  };

  beforeAll(async () => {
    testApp = await createTestApp();
    tenant = await createTenant(testApp, 'Roles Fleet');
    const tracker = await testApp.app
      .get(UsersService)
      .create(tenant.tenant, 'tracker-1', 'device');
    adminHeaders = apiHeaders(tenant, await issueToken(testApp, tenant));
    deviceHeaders = apiHeaders(tenant, await issueToken(testApp, { ...tenant, ...tracker }));
    await storeDeviceData(testApp, await tenantIdOf(testApp, tenant.tenant), {
      positions: [position(imei, '2026-04-04T10:00:00Z')],
    });
    await testApp.app.listen(0, '127.0.0.1');
    const { port } = testApp.app.getHttpServer().address() as AddressInfo;
    url = `http://127.0.0.1:${port}`;
  });
  afterEach(() => streams.splice(0).forEach((client) => client.close()));
  afterAll(() => testApp.close());

  it('lets a device user obtain a token and post telemetry', async () => {
    const response = await testApp.http
      .post('/apidev/v1/telemetry')
      .set(deviceHeaders)
      .send(examplePoints(imei))
      .expect(200);
    expect(response.body).toEqual({
      success: true,
      data: { accepted: 2, rejected: 0, status: 'OK' },
      meta: {},
    });
  });

  it.each(READS)('refuses a device user %s (403 FORBIDDEN)', async (_label, path) => {
    const response = await testApp.http.get(path).set(deviceHeaders);
    expect(response.status).toBe(403);
    expect(response.body).toEqual(FORBIDDEN);
  });

  it('refuses a device user the live stream (403 FORBIDDEN)', async () => {
    const stream = await openStream(deviceHeaders);
    expect(stream.status).toBe(403);
    expect(await stream.body()).toEqual(FORBIDDEN);
  });

  it('refuses a device user also when its credentials are the remembered ones', async () => {
    await testApp.http
      .post('/apidev/v1/telemetry')
      .set(deviceHeaders)
      .send(examplePoints(imei))
      .expect(200);
    const response = await testApp.http.get(BASE).set(deviceHeaders);
    expect(response.status).toBe(403);
  });

  it.each(READS)('still lets an admin read %s', async (_label, path) => {
    await testApp.http.get(path).set(adminHeaders).expect(200);
  });

  it('still lets an admin stream and post telemetry', async () => {
    const stream = await openStream(adminHeaders);
    expect(stream.status).toBe(200);
    await testApp.http
      .post('/apidev/v1/telemetry')
      .set(adminHeaders)
      .send(examplePoints(imei))
      .expect(200);
  });
});

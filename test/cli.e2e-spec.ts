import { createHash } from 'node:crypto';
import type { TenantCredentials } from '../src/auth/tenants.service';
import { registerDevice } from './factories/microvisor.factory';
import { apiHeaders, issueToken, tenantIdOf } from './factories/tenant.factory';
import { UNAUTHORIZED, errorEnvelope } from './utils/api-envelope';
import { runCli, type CliResult } from './utils/cli';
import { PROBE_PATH, ProbeController } from './utils/probe.controller';
import { createTestApp, type TestApp } from './utils/test-app';
import { createTestDatabase } from './utils/test-database';

/** Each command starts a Node process with ts-node and connects to PostgreSQL: a few seconds. */
jest.setTimeout(90_000);

const CREDENTIAL_KEYS = [
  'accountSid',
  'apiKey',
  'authToken',
  'northbound',
  'password',
  'tenant',
  'username',
];

describe('operator CLI (src/cli/main.ts, as a child process)', () => {
  let database: { url: string; drop(): Promise<void> };
  let cli: (...args: string[]) => Promise<CliResult>;
  /** `tenant:create --name "Cli Fleet" --json`, run once against the fresh database. */
  let created: CliResult;
  let credentials: TenantCredentials;

  beforeAll(async () => {
    database = await createTestDatabase();
    cli = (...args) => runCli(args, { DATABASE_URL: database.url });
    created = await cli('tenant:create', '--name', 'Cli Fleet', '--json');
    if (created.code !== 0) {
      throw new Error(`tenant:create exited ${created.code}: ${created.stderr}`);
    }
    credentials = JSON.parse(created.stdout) as TenantCredentials;
  });
  afterAll(() => database.drop());

  describe('tenant:create --json', () => {
    it('exits 0 and prints exactly one JSON object, on one line, and nothing else', () => {
      expect(created.code).toBe(0);
      expect(created.stdout.endsWith('\n')).toBe(true);
      expect(created.stdout.trimEnd().split('\n')).toHaveLength(1);
      expect(JSON.parse(created.stdout)).toEqual(expect.any(Object));
      expect(Array.isArray(JSON.parse(created.stdout))).toBe(false);
    });

    it('holds the tenant and all its credentials, under exactly the contract keys', () => {
      expect(Object.keys(credentials).sort()).toEqual(CREDENTIAL_KEYS);
      expect(Object.keys(credentials.northbound).sort()).toEqual(['password', 'username']);
      expect(credentials).toEqual({
        tenant: 'cli-fleet',
        username: 'admin',
        password: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/),
        apiKey: expect.stringMatching(/^fh_[0-9a-f]{12}_[A-Za-z0-9_-]{32}$/),
        northbound: {
          username: expect.stringMatching(/^nb_[0-9a-f]{16}$/),
          password: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
        },
        accountSid: expect.stringMatching(/^AC[0-9a-f]{32}$/),
        authToken: expect.stringMatching(/^[0-9a-f]{32}$/),
      });
    });

    it('writes no secret to stderr', () => {
      for (const secret of [
        credentials.password,
        credentials.apiKey,
        credentials.northbound.password,
        credentials.authToken,
      ]) {
        expect(created.stderr).not.toContain(secret);
      }
    });
  });

  describe('a script using the printed credentials against the API', () => {
    let testApp: TestApp;
    beforeAll(async () => {
      testApp = await createTestApp({
        databaseUrl: database.url,
        extraControllers: [ProbeController],
        env: { AUTH_CACHE_TTL: '0' },
      });
    });
    afterAll(() => testApp.close());

    it('gets a JWT, then calls a dual-auth route as that tenant', async () => {
      const token = await issueToken(testApp, credentials);
      const response = await testApp.http
        .get(PROBE_PATH)
        .set(apiHeaders(credentials, token))
        .expect(200);
      expect((response.body as { data: unknown }).data).toMatchObject({
        tenantId: await tenantIdOf(testApp, 'cli-fleet'),
        tenantSlug: 'cli-fleet',
      });
    });

    it('can use the northbound and Twilio credentials it printed', async () => {
      const tenantId = await tenantIdOf(testApp, 'cli-fleet');
      const northbound = await testApp.http
        .get(`${PROBE_PATH}/northbound`)
        .auth(credentials.northbound.username, credentials.northbound.password)
        .expect(200);
      const twilio = await testApp.http
        .get(`${PROBE_PATH}/twilio`)
        .auth(credentials.accountSid, credentials.authToken)
        .expect(200);
      expect((northbound.body as { data: { tenantId: string } }).data.tenantId).toBe(tenantId);
      expect((twilio.body as { data: { tenantId: string } }).data.tenantId).toBe(tenantId);
    });

    it('user:create --role device makes a user that says, and may do, telemetry only', async () => {
      const created = await cli(
        'user:create',
        '--tenant',
        'cli-fleet',
        '--username',
        'tracker-7',
        '--role',
        'device',
        '--json',
      );
      expect(created.code).toBe(0);
      const device = JSON.parse(created.stdout) as { username: string; password: string };
      const text = await cli(
        'user:create',
        '--tenant',
        'cli-fleet',
        '--username',
        'tracker-8',
        '--role',
        'device',
      );
      expect(text.stdout).toContain(
        'Role device: a tracker or gateway: obtain a token and POST /apidev/v1/telemetry, nothing else',
      );

      const headers = apiHeaders(
        credentials,
        await issueToken(testApp, { ...credentials, ...device }),
      );
      const read = await testApp.http.get(PROBE_PATH).set(headers);
      expect(read.status).toBe(403);
      expect(read.body).toEqual(
        errorEnvelope('FORBIDDEN', 'Users of role "device" may not use this route'),
      );
    });

    it('apikey:revoke stops the key at once (AUTH_CACHE_TTL=0)', async () => {
      const headers = apiHeaders(credentials, await issueToken(testApp, credentials));
      await testApp.http.get(PROBE_PATH).set(headers).expect(200);

      const revoked = await cli(
        'apikey:revoke',
        '--tenant',
        'cli-fleet',
        '--key',
        credentials.apiKey,
      );
      expect(revoked.code).toBe(0);
      expect(revoked.stdout).toContain('API key revoked');

      const protectedCall = await testApp.http.get(PROBE_PATH).set(headers);
      expect(protectedCall.status).toBe(401);
      expect(protectedCall.body).toEqual(UNAUTHORIZED);
      const tokenCall = await testApp.http
        .post('/apidev/v1/auth/token')
        .set({ 'X-API-Key': credentials.apiKey, tenant: credentials.tenant })
        .send({ username: credentials.username, password: credentials.password });
      expect(tokenCall.status).toBe(401);
      expect(tokenCall.body).toEqual(UNAUTHORIZED);

      const again = await cli(
        'apikey:revoke',
        '--tenant',
        'cli-fleet',
        '--key',
        credentials.apiKey,
      );
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('No active API key of that tenant matches --key');
    });

    it('device:register prints a Microvisor device and its credential, once; the device checks in with it', async () => {
      const registered = await cli(
        'device:register',
        '--tenant',
        'cli-fleet',
        '--unique-name',
        'gateway-1',
        '--json',
      );
      expect(registered.code).toBe(0);
      expect(registered.stdout.trimEnd().split('\n')).toHaveLength(1);
      const device = JSON.parse(registered.stdout) as { sid: string; credential: string };
      expect(device).toEqual({
        sid: expect.stringMatching(/^UV[0-9a-f]{32}$/) as string,
        credential: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) as string,
      });
      expect(registered.stderr).not.toContain(device.credential);

      // Kept as its SHA-256 only.
      const [row] = await testApp.dataSource.query<Record<string, unknown>[]>(
        'SELECT * FROM microvisor_devices WHERE sid = $1',
        [device.sid],
      );
      expect(row.credential_hash).toEqual(createHash('sha256').update(device.credential).digest());
      expect(JSON.stringify(row)).not.toContain(device.credential);

      const checkIn = await testApp.http
        .post('/microvisor/device/v1/check-in')
        .set('Authorization', `Bearer ${device.credential}`)
        .send({ reported_app_sid: null, update_error_code: 0 });
      expect(checkIn.status).toBe(200);
      expect((checkIn.body as { device_sid: string }).device_sid).toBe(device.sid);
      const fetched = await testApp.http
        .get('/microvisor/v1/Devices/gateway-1')
        .auth(credentials.accountSid, credentials.authToken);
      expect((fetched.body as { sid: string }).sid).toBe(device.sid);

      const text = await cli('device:register', '--tenant', 'cli-fleet');
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(
        /^Microvisor device UV[0-9a-f]{32} registered\. Keep its credential now/,
      );
      expect(text.stdout).toMatch(/ {2}credential: [A-Za-z0-9_-]{43}\n/);
    });

    it('device:register refuses an unknown tenant, a taken unique name and one shaped like a SID (exit 1)', async () => {
      await registerDevice(testApp, credentials, 'taken-name');
      for (const [args, message] of [
        [['--tenant', 'no-such-fleet'], 'No tenant with slug "no-such-fleet"'],
        [
          ['--tenant', 'cli-fleet', '--unique-name', 'taken-name'],
          'Another device of "cli-fleet" has the unique name "taken-name"',
        ],
        [
          ['--tenant', 'cli-fleet', '--unique-name', `UV${'0'.repeat(32)}`],
          'Invalid parameter UniqueName: must not have the shape of a SID',
        ],
      ] as const) {
        const result = await cli('device:register', ...args, '--json');
        expect(result.code).toBe(1);
        expect(result.stdout).toBe('');
        expect(result.stderr).toContain(`error: ${message}`);
      }
    });
  });

  describe('failures', () => {
    it('tenant:create without --name exits 1 with a message on stderr and nothing on stdout', async () => {
      const result = await cli('tenant:create', '--json');
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('error: --name is required');
      expect(result.stderr).toContain('usage: npm run cli -- tenant:create --name <name>');
    });

    it('user:create without --username exits 1 with a usage that says what each role may do', async () => {
      const result = await cli('user:create', '--tenant', 'cli-fleet', '--role', 'device');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('error: --username is required');
      expect(result.stderr).toContain('--role admin (default): every /apidev/v1 route');
      expect(result.stderr).toContain('--role device: a tracker or gateway');
    });

    it('tenant:create of an existing slug exits 1 and creates nothing', async () => {
      const result = await cli('tenant:create', '--name', 'Cli Fleet', '--json');
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('A tenant with slug "cli-fleet" already exists');
      const list = await cli('tenant:list', '--json');
      expect(list.code).toBe(0);
      expect((JSON.parse(list.stdout) as { slug: string }[]).map((t) => t.slug)).toEqual([
        'cli-fleet',
      ]);
    });

    it('an unknown command exits 2 with the usage on stderr', async () => {
      const result = await cli('tenant:destroy', '--name', 'x');
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('Unknown command "tenant:destroy"');
      expect(result.stderr).toContain('tenant:create --name <name>');
    });

    it('an unknown option exits 2', async () => {
      const result = await cli('tenant:create', '--name', 'x', '--colour', 'red');
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/error: Unknown option '--colour'/);
    });

    it('a bad configuration exits 1 naming the variable, without echoing the secret', async () => {
      const result = await runCli(['tenant:list'], {
        DATABASE_URL: 'mysql://fleet:hunter2@db/fleethub',
      });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('DATABASE_URL must be a postgres:// URL');
      expect(result.stderr).not.toContain('hunter2');
    });
  });
});

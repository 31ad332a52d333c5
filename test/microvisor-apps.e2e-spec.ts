import { createHash } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import type { TenantCredentials } from '../src/auth/tenants.service';
import { MicrovisorAppEntity } from '../src/microvisor/entities/app.entity';
import { buildBundle, sampleBundle } from './factories/bundle.factory';
import { MICROVISOR_UPLOAD_APPS, registerDevice, uploadApp } from './factories/microvisor.factory';
import { createTenant, tenantIdOf } from './factories/tenant.factory';
import { listeningUrl } from './utils/listening-url';
import { createTestApp, type TestApp } from './utils/test-app';
import { twilioClient, type TestTwilioClient, type TwilioExchange } from './utils/twilio-client';
import { rejection, twilioError } from './utils/twilio-answers';
import { twilioAnswerProblems, twilioSchemaProblems } from './utils/twilio-schema';

const APPS = '/microvisor/v1/Apps';
const SID = /^KA[0-9a-f]{32}$/;
const TWILIO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

describe('Microvisor v1 Apps: upload, list, fetch, manifest, delete', () => {
  let testApp: TestApp;
  let origin: string;
  let a: TenantCredentials;
  let b: TenantCredentials;
  let alice: TestTwilioClient;
  let bob: TestTwilioClient;
  /** Answers of requests the client cannot make (uploads, raw bodies), held to the spec too. */
  const rawExchanges: TwilioExchange[] = [];

  beforeAll(async () => {
    testApp = await createTestApp();
    origin = await listeningUrl(testApp);
    a = await createTenant(testApp, 'Microvisor Apps A');
    b = await createTenant(testApp, 'Microvisor Apps B');
    alice = await twilioClient(testApp, a);
    bob = await twilioClient(testApp, b);
  });
  afterAll(() => testApp.close());

  afterEach(() => {
    const answers = [...alice.exchanges.splice(0), ...bob.exchanges.splice(0)];
    expect(answers.flatMap((answer) => twilioAnswerProblems('microvisor', answer))).toEqual([]);
    // An upload answers an App (the spec has the upload host's path under no operation).
    expect(
      rawExchanges
        .splice(0)
        .flatMap((answer) =>
          answer.status === 201
            ? twilioSchemaProblems('microvisor', 'GET /v1/Apps/{Sid}', 200, answer.body)
            : twilioAnswerProblems('microvisor', answer),
        ),
    ).toEqual([]);
  });

  const apps = (client: TestTwilioClient = alice) => client.client.microvisor.v1.apps;
  const lastStatus = (client: TestTwilioClient = alice) => client.exchanges.at(-1)?.status;
  const appCount = async (tenant: TenantCredentials) =>
    testApp.dataSource
      .getRepository(MicrovisorAppEntity)
      .countBy({ tenantId: await tenantIdOf(testApp, tenant.tenant) });

  /** An upload sent as it is, its answer kept for the spec check. */
  async function upload(
    parts: { file?: Buffer; uniqueName?: string; fields?: [string, string][] },
    auth: [string, string] | null = [a.accountSid, a.authToken],
  ) {
    let request = testApp.http.post(MICROVISOR_UPLOAD_APPS);
    if (auth) request = request.auth(...auth);
    for (const [name, value] of parts.fields ?? []) request = request.field(name, value);
    if (parts.uniqueName !== undefined) request = request.field('UniqueName', parts.uniqueName);
    if (parts.file) request = request.attach('File', parts.file, 'app.zip');
    const response = await request;
    const body: unknown = JSON.parse(response.text);
    rawExchanges.push({
      method: 'POST',
      url: `${origin}${MICROVISOR_UPLOAD_APPS}`,
      status: response.status,
      body,
    });
    return { status: response.status, headers: response.headers, body };
  }

  describe('upload', () => {
    it('answers 201 with the App: sha256 of the bytes, the unique name, absolute URLs', async () => {
      const bundle = await sampleBundle('upload');
      const response = await upload({ file: bundle, uniqueName: 'tracker-fw' });
      expect(response.status).toBe(201);
      const sid = (response.body as { sid: string }).sid;
      expect(sid).toMatch(SID);
      expect(response.body).toEqual({
        sid,
        account_sid: a.accountSid,
        hash: `sha256:${sha256(bundle)}`,
        unique_name: 'tracker-fw',
        date_created: expect.stringMatching(TWILIO_DATE) as string,
        date_updated: expect.stringMatching(TWILIO_DATE) as string,
        url: `${origin}${APPS}/${sid}`,
        links: { app_manifests: `${origin}${APPS}/${sid}/Manifest` },
      });
      const stored = await testApp.dataSource
        .getRepository(MicrovisorAppEntity)
        .findOneOrFail({ where: { sid }, select: { sid: true, bundle: true } });
      expect(stored.bundle.equals(bundle)).toBe(true);
    });

    it('gives an App uploaded without UniqueName a null unique_name', async () => {
      const response = await upload({ file: await sampleBundle('nameless') });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ unique_name: null });
    });

    it('takes any valid zip, an empty one included, and ignores fields it does not take', async () => {
      const empty = await upload({ file: await buildBundle([]), fields: [['Other', 'x']] });
      expect(empty.status).toBe(201);
    });

    it('refuses what is not a zip (400, 20001) and creates nothing', async () => {
      const before = await appCount(a);
      const response = await upload({ file: Buffer.from('PK but not really a zip') });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        code: 20001,
        message: expect.stringMatching(
          /^Invalid parameter File: The bundle is not a zip archive: /,
        ) as string,
      });
      expect(await appCount(a)).toBe(before);
    });

    it('refuses a corrupt zip: a file whose bytes no longer match its CRC-32', async () => {
      const bundle = await buildBundle([['app.bin', 'firmware-bytes-here']], { compress: false });
      bundle[bundle.indexOf('bytes')] = 'B'.charCodeAt(0);
      const response = await upload({ file: bundle });
      expect(response.body).toEqual(
        twilioError(
          400,
          20001,
          'Invalid parameter File: app.bin does not match its CRC-32: the zip is corrupt',
        ),
      );
    });

    it('names a missing File (20001), refuses another media type (415), refuses two files', async () => {
      expect((await upload({ uniqueName: 'no-file' })).body).toEqual(
        twilioError(400, 20001, 'Missing required parameter File in the post body'),
      );
      const form = await testApp.http
        .post(MICROVISOR_UPLOAD_APPS)
        .auth(a.accountSid, a.authToken)
        .type('form')
        .send('UniqueName=x');
      expect(form.status).toBe(415);
      expect(form.body).toEqual(
        twilioError(
          415,
          20415,
          'Content-Type must be multipart/form-data (got "application/x-www-form-urlencoded")',
        ),
      );
      const bundle = await sampleBundle();
      const two = await testApp.http
        .post(MICROVISOR_UPLOAD_APPS)
        .auth(a.accountSid, a.authToken)
        .attach('File', bundle, 'a.zip')
        .attach('File', bundle, 'b.zip');
      expect(two.status).toBe(400);
      expect(two.body).toMatchObject({ code: 20001, status: 400 });
    });

    it.each([
      [`KA${'0'.repeat(32)}`, 'Invalid parameter UniqueName: must not have the shape of a SID'],
      ['u'.repeat(65), 'Invalid parameter UniqueName: must be at most 64 characters'],
      ['', 'Invalid parameter UniqueName: must not be empty'],
      ['a\u0007b', 'Invalid parameter UniqueName: must not contain control characters'],
    ])('refuses the unique name %j (400, 20001)', async (uniqueName, message) => {
      const before = await appCount(a);
      const response = await upload({ file: await sampleBundle(), uniqueName });
      expect(response.body).toEqual(twilioError(400, 20001, message));
      expect(await appCount(a)).toBe(before);
    });

    it('refuses a unique name given twice, or nested by brackets', async () => {
      const twice = await upload({
        file: await sampleBundle(),
        fields: [
          ['UniqueName', 'one'],
          ['UniqueName', 'two'],
        ],
      });
      expect(twice.body).toEqual(
        twilioError(400, 20001, 'Invalid parameter UniqueName: must be given once'),
      );
      const nested = await upload({ file: await sampleBundle(), fields: [['UniqueName[a]', 'x']] });
      expect(nested.body).toEqual(
        twilioError(400, 20001, 'Invalid parameter UniqueName: must be a plain form field'),
      );
    });

    it('refuses a unique name another App of the account has (409, 20409)', async () => {
      await uploadApp(testApp, a, await sampleBundle(), 'taken-app');
      const response = await upload({ file: await sampleBundle(), uniqueName: 'taken-app' });
      expect(response.body).toEqual(
        twilioError(
          409,
          20409,
          'Conflict: "taken-app" is the unique name of another App of this account',
        ),
      );
    });

    it('authenticates before reading the body: 401 and the Basic challenge', async () => {
      const none = await upload({ file: await sampleBundle() }, null);
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Basic realm="Twilio API"');
      expect(none.body).toEqual(
        twilioError(401, 20003, 'Authentication Error - No credentials provided'),
      );
      const wrong = await upload({ file: await sampleBundle() }, [a.accountSid, b.authToken]);
      expect(wrong.status).toBe(401);
      // Not a 415: the body's media type is never looked at.
      const unread = await testApp.http
        .post(MICROVISOR_UPLOAD_APPS)
        .set('Content-Type', 'text/plain')
        .send('anything');
      expect(unread.status).toBe(401);
    });
  });

  describe('fetch and manifest', () => {
    let app: { sid: string; hash: string };
    let bundle: Buffer;
    const image = Buffer.from('\x7fELF'.padEnd(3000, 'x'), 'latin1');
    const config = '{"interval":60}';

    beforeAll(async () => {
      bundle = await buildBundle([
        ['app.bin', image],
        ['config/', ''],
        ['config/app.json', config],
      ]);
      app = await uploadApp(testApp, a, bundle, 'manifested app');
    });

    it('fetches an App by SID (hex in either case) and by unique name', async () => {
      for (const key of [app.sid, `KA${app.sid.slice(2).toUpperCase()}`, 'manifested app']) {
        const fetched = await apps().get(key).fetch();
        expect(lastStatus()).toBe(200);
        expect(fetched.sid).toBe(app.sid);
        expect(fetched.hash).toBe(`sha256:${sha256(bundle)}`);
        expect(fetched.uniqueName).toBe('manifested app');
        expect(fetched.links).toEqual({ app_manifests: `${origin}${APPS}/${app.sid}/Manifest` });
      }
    });

    it("answers the manifest: base64 JSON of the bundle's files, sizes and SHA-256", async () => {
      for (const key of [app.sid, 'manifested app']) {
        const manifest = await apps().get(key).appManifests().fetch();
        expect(manifest.appSid).toBe(app.sid);
        expect(manifest.hash).toBe(app.hash);
        expect(manifest.url).toBe(`${origin}${APPS}/${app.sid}/Manifest`);
        expect(JSON.parse(Buffer.from(manifest.encodedBytes, 'base64').toString('utf8'))).toEqual({
          entries: [
            { name: 'app.bin', size: image.length, sha256: sha256(image) },
            { name: 'config/app.json', size: config.length, sha256: sha256(config) },
          ],
        });
      }
    });

    it.each([
      ['an unknown SID', `KA${'0'.repeat(32)}`],
      ['an unknown unique name', 'nobody'],
      ['a SID of another resource', `UV${'0'.repeat(32)}`],
    ])('%s is 404 (20404) on fetch, manifest and delete', async (_case, key) => {
      for (const call of [
        () => apps().get(key).fetch(),
        () => apps().get(key).appManifests().fetch(),
        () => apps().get(key).remove(),
      ]) {
        expect(await rejection(call())).toMatchObject({
          status: 404,
          code: 20404,
          message: `The requested resource /Apps/${key} was not found`,
        });
      }
    });
  });

  describe('delete', () => {
    it('deletes an App (204) by SID or unique name; then it is gone', async () => {
      const bySid = await uploadApp(testApp, a, await sampleBundle());
      expect(await apps().get(bySid.sid).remove()).toBe(true);
      expect(lastStatus()).toBe(204);
      await uploadApp(testApp, a, await sampleBundle(), 'delete-me');
      expect(await apps().get('delete-me').remove()).toBe(true);
      for (const key of [bySid.sid, 'delete-me']) {
        expect(await rejection(apps().get(key).fetch())).toMatchObject({ status: 404 });
      }
    });

    it('refuses to delete an App a Device is targeted at (409, 20409), saying how many', async () => {
      const app = await uploadApp(testApp, a, await sampleBundle(), 'in-use');
      const devices = [await registerDevice(testApp, a), await registerDevice(testApp, a)];
      for (const device of devices) {
        await alice.client.microvisor.v1.devices(device.sid).update({ targetApp: 'in-use' });
      }
      const error = await rejection(apps().get('in-use').remove());
      expect(error).toMatchObject({
        status: 409,
        code: 20409,
        message: `Conflict: the App ${app.sid} is the target of 2 Devices: target them at another App before deleting it`,
      });
      expect((await apps().get(app.sid).fetch()).sid).toBe(app.sid);

      const other = await uploadApp(testApp, a, await sampleBundle());
      for (const device of devices) {
        await alice.client.microvisor.v1.devices(device.sid).update({ targetApp: other.sid });
      }
      expect(await apps().get(app.sid).remove()).toBe(true);
    });
  });

  describe('paging', () => {
    let pager: TestTwilioClient;
    let expected: string[];

    beforeAll(async () => {
      const tenant = await createTenant(testApp, 'Microvisor Apps Pager');
      pager = await twilioClient(testApp, tenant);
      for (let i = 0; i < 7; i++) await uploadApp(testApp, tenant, await sampleBundle(`p${i}`));
      const rows = await testApp.dataSource.query<{ sid: string }[]>(
        `SELECT sid FROM microvisor_apps WHERE tenant_id = $1 ORDER BY created_at, sid`,
        [await tenantIdOf(testApp, tenant.tenant)],
      );
      expected = rows.map((row) => row.sid);
    });
    afterEach(() => {
      expect(
        pager.exchanges.splice(0).flatMap((answer) => twilioAnswerProblems('microvisor', answer)),
      ).toEqual([]);
    });

    it('walks the Apps in order of upload with each(), 3 a page: three pages', async () => {
      const seen: string[] = [];
      await new Promise<void>((resolve, reject) =>
        pager.client.microvisor.v1.apps.each({
          pageSize: 3,
          callback: (app) => void seen.push(app.sid),
          done: (error?: Error) => (error ? reject(error) : resolve()),
        }),
      );
      expect(seen).toEqual(expected);
      const pages = pager.exchanges.map((exchange) => exchange.body as { meta: { key: string } });
      expect(pages.map(({ meta }) => meta)).toEqual([
        expect.objectContaining({ page: 0, page_size: 3, key: 'apps', previous_page_url: null }),
        expect.objectContaining({ page: 1, page_size: 3, key: 'apps' }),
        expect.objectContaining({ page: 2, page_size: 3, key: 'apps', next_page_url: null }),
      ]);
      expect(pages[0].meta).toMatchObject({
        first_page_url: `${origin}${APPS}?PageSize=3&Page=0`,
      });
    });

    it('refuses a PageToken it did not hand out (21481) and a PageSize over 1000 (20007)', async () => {
      for (const [query, code] of [
        ['PageToken=PAnope', 21481],
        ['PageSize=1001', 20007],
      ] as const) {
        const response = await testApp.http.get(`${APPS}?${query}`).auth(a.accountSid, a.authToken);
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({ code });
      }
    });
  });

  describe('tenant isolation: another account sees, changes and counts nothing of these', () => {
    let app: { sid: string };

    beforeAll(async () => {
      app = await uploadApp(testApp, a, await sampleBundle(), 'isolated-app');
    });

    it('fetch, manifest and delete by SID or unique name are 404', async () => {
      for (const key of [app.sid, 'isolated-app']) {
        for (const call of [
          () => apps(bob).get(key).fetch(),
          () => apps(bob).get(key).appManifests().fetch(),
          () => apps(bob).get(key).remove(),
        ]) {
          expect(await rejection(call())).toMatchObject({ status: 404, code: 20404 });
        }
      }
      expect((await apps().get(app.sid).fetch()).sid).toBe(app.sid);
    });

    it('lists none of them, and may upload an App of the same unique name', async () => {
      expect((await apps(bob).list()).map((listed) => listed.sid)).not.toContain(app.sid);
      const own = await uploadApp(testApp, b, await sampleBundle(), 'isolated-app');
      expect((await apps(bob).get('isolated-app').fetch()).sid).toBe(own.sid);
      expect((await apps().get('isolated-app').fetch()).sid).toBe(app.sid);
    });

    it("cannot target its Devices at the other account's App", async () => {
      const device = await registerDevice(testApp, b);
      const update = bob.client.microvisor.v1.devices(device.sid).update({ targetApp: app.sid });
      expect(await rejection(update)).toMatchObject({
        status: 400,
        code: 20001,
        message: `Invalid parameter TargetApp: no App of this account has the SID or unique name "${app.sid}"`,
      });
    });
  });
});

describe('Microvisor app uploads past APP_BUNDLE_MAX_BYTES', () => {
  const LIMIT = 64 * 1024;
  let testApp: TestApp;
  let port: number;
  let tenant: TenantCredentials;

  beforeAll(async () => {
    testApp = await createTestApp({ env: { APP_BUNDLE_MAX_BYTES: String(LIMIT) } });
    port = Number(new URL(await listeningUrl(testApp)).port);
    tenant = await createTenant(testApp, 'Microvisor Big Uploads');
  });
  afterAll(() => testApp.close());

  /** A stored zip of exactly `size` bytes: one file, padded to fit. */
  async function bundleOfSize(size: number): Promise<Buffer> {
    const overhead = (await buildBundle([['app.bin', '']], { compress: false })).length;
    const bundle = await buildBundle([['app.bin', Buffer.alloc(size - overhead, 0x5a)]], {
      compress: false,
    });
    expect(bundle.length).toBe(size);
    return bundle;
  }

  it('takes a bundle of exactly APP_BUNDLE_MAX_BYTES, and refuses one a byte longer (413, 20413)', async () => {
    await uploadApp(testApp, tenant, await bundleOfSize(LIMIT));
    const response = await testApp.http
      .post(MICROVISOR_UPLOAD_APPS)
      .auth(tenant.accountSid, tenant.authToken)
      .attach('File', await bundleOfSize(LIMIT + 1), 'app.zip');
    expect(response.status).toBe(413);
    expect(response.body).toEqual(
      twilioError(
        413,
        20413,
        `The bundle is larger than ${LIMIT} bytes, the most this server accepts (APP_BUNDLE_MAX_BYTES)`,
      ),
    );
  });

  it('answers a 2 MiB upload with its 413 once the body is in: the client sends it all, reads the answer, and the connection stays usable', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const auth = `Basic ${Buffer.from(`${tenant.accountSid}:${tenant.authToken}`).toString('base64')}`;
    const boundary = 'fleethub-test-boundary';
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="File"; filename="big.zip"\r\n` +
          'Content-Type: application/zip\r\n\r\n',
      ),
      Buffer.alloc(2 * 1024 * 1024, 0x41),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    try {
      const answer = await new Promise<{
        status: number;
        connection: string | undefined;
        text: string;
        sentAll: boolean;
      }>((resolve, reject) => {
        let sentAll = false;
        const request = httpRequest(
          {
            port,
            host: '127.0.0.1',
            method: 'POST',
            path: MICROVISOR_UPLOAD_APPS,
            agent,
            headers: {
              Authorization: auth,
              'Content-Type': `multipart/form-data; boundary=${boundary}`,
              'Content-Length': body.length,
            },
          },
          (response) => {
            let text = '';
            response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
            response.on('end', () =>
              resolve({
                status: response.statusCode!,
                connection: response.headers.connection,
                text,
                sentAll,
              }),
            );
          },
        );
        // An answer before the body was in, then a closed connection, would fail the write here.
        request.on('error', reject);
        request.on('finish', () => (sentAll = true));
        (async () => {
          for (let at = 0; at < body.length; at += 16 * 1024) {
            if (!request.write(body.subarray(at, at + 16 * 1024))) {
              await new Promise((drained) => request.once('drain', drained));
            }
          }
          request.end();
        })().catch(reject);
      });
      expect(answer.sentAll).toBe(true);
      expect(answer.status).toBe(413);
      expect(answer.connection).not.toBe('close');
      expect(JSON.parse(answer.text)).toMatchObject({ code: 20413, status: 413 });

      // The same connection answers the next request.
      const next = await new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const request = httpRequest(
          {
            port,
            host: '127.0.0.1',
            path: '/microvisor/v1/Apps',
            agent,
            headers: { Authorization: auth },
          },
          (response) => {
            response.resume();
            response.on('end', () =>
              resolve({ status: response.statusCode!, reused: request.reusedSocket }),
            );
          },
        );
        request.on('error', reject);
        request.end();
      });
      expect(next).toEqual({ status: 200, reused: true });
    } finally {
      agent.destroy();
    }
  });
});

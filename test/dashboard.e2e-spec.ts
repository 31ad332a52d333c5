import { Logger } from '@nestjs/common';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { DASHBOARD_DIRECTORY } from '../src/dashboard/dashboard-files';
import { errorEnvelope } from './utils/api-envelope';
import { listeningUrl } from './utils/listening-url';
import { rawRequest } from './utils/raw-http';
import { twilioError } from './utils/twilio-answers';
import { createTestApp, type TestApp } from './utils/test-app';

/** The front end global setup has built for this run. */
const BUILD = join(__dirname, '..', 'dist', 'web');
const OSM_CREDIT =
  '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

/** The JSON the server wrote into the page's config script. */
function pageConfig(html: string): unknown {
  const script = /<script id="fleethub-config" type="application\/json">([\s\S]*?)<\/script>/.exec(
    html,
  );
  if (!script) throw new Error(`no config script in ${html}`);
  return JSON.parse(script[1]);
}

/** The img-src directive of a response's Content-Security-Policy. */
function imageSources(response: Response): string | undefined {
  const policy = String(response.headers['content-security-policy']);
  return policy
    .split('; ')
    .find((directive) => directive.startsWith('img-src '))
    ?.slice('img-src '.length);
}

function expectSecurityHeaders(response: Response): void {
  expect(response.headers['content-security-policy']).toContain("default-src 'self'");
  expect(response.headers['content-security-policy']).toContain("script-src 'self';");
  expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  expect(response.headers['x-frame-options']).toBe('DENY');
}

describe('Dashboard: the built front end at /', () => {
  let testApp: TestApp;
  let page: Response;
  beforeAll(async () => {
    testApp = await createTestApp({ redis: false });
    page = await testApp.http.get('/');
  });
  afterAll(() => testApp.close());

  it('serves the page, never cached without asking, with the default settings filled in', () => {
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(pageConfig(page.text)).toEqual({
      tileUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
      tileAttribution: OSM_CREDIT,
      offlineAfterSeconds: 600,
    });
    expectSecurityHeaders(page);
    expect(imageSources(page)).toBe("'self' data: blob: https://tile.openstreetmap.org");
  });

  it('serves every file of the build under /assets, the ones the page names included', async () => {
    const assets = readdirSync(join(BUILD, 'assets'));
    const named = [...page.text.matchAll(/(?:src|href)="\/assets\/([^"]+)"/g)].map((m) => m[1]);
    expect(named.some((file) => file.endsWith('.js'))).toBe(true);
    expect(named.some((file) => file.endsWith('.css'))).toBe(true);
    expect(assets).toEqual(expect.arrayContaining(named));
    for (const file of assets) {
      const response = await testApp.http
        .get(`/assets/${file}`)
        .set('Accept-Encoding', 'identity')
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(response.headers['content-encoding']).toBeUndefined();
      expect(
        Buffer.compare(response.body as Buffer, readFileSync(join(BUILD, 'assets', file))),
      ).toBe(0);
      expectSecurityHeaders(response);
    }
  });

  it('gives each asset its Content-Type', async () => {
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.text)![1];
    const style = /href="(\/assets\/[^"]+\.css)"/.exec(page.text)![1];
    const js = await testApp.http.get(script).expect(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const css = await testApp.http.get(style).expect(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('sends a file gzipped to a client that takes gzip, as it is to one that does not', async () => {
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.text)![1];
    const onDisk = readFileSync(join(BUILD, script)).toString('utf8');
    const gzipped = await testApp.http.get(script).set('Accept-Encoding', 'gzip').expect(200);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers['vary']).toBe('Accept-Encoding');
    expect(gzipped.text).toBe(onDisk);
    const plain = await testApp.http.get(script).set('Accept-Encoding', 'gzip;q=0').expect(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.text).toBe(onDisk);
  });

  it('answers HEAD / with the headers of GET / and no body', async () => {
    const head = await testApp.http.head('/').set('Accept-Encoding', 'identity').expect(200);
    const get = await testApp.http.get('/').set('Accept-Encoding', 'identity').expect(200);
    expect(head.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    expect(head.headers['content-security-policy']).toBe(get.headers['content-security-policy']);
    expect(head.text).toBeUndefined();
  });

  it('serves the page to GET and HEAD only: POST / is the API 404 it always was', async () => {
    const response = await testApp.http.post('/').send({}).expect(404);
    expect(response.body).toEqual(errorEnvelope('NOT_FOUND', 'Cannot POST /'));
    expect(response.headers['content-security-policy']).toBeUndefined();
  });

  it.each(['/index.html', '/assets/', '/assets/no-such-file.js', '/ASSETS/x.js'])(
    'serves nothing the build does not hold at its path: %s is the API 404',
    async (path) => {
      const response = await testApp.http.get(path).expect(404);
      expect(response.body).toEqual(errorEnvelope('NOT_FOUND', `Cannot GET ${path}`));
    },
  );

  it('leaves the APIs, /docs, /health and /metrics as they were', async () => {
    const api = await testApp.http.get('/apidev/v1/nope').expect(404);
    expect(api.body).toEqual(errorEnvelope('NOT_FOUND', 'Cannot GET /apidev/v1/nope'));

    for (const mount of ['wireless', 'microvisor']) {
      const twilio = await testApp.http.get(`/${mount}/v1/nope`).expect(404);
      expect(twilio.body).toEqual(
        twilioError(404, 20404, 'The requested resource /v1/nope was not found'),
      );
    }

    const docs = await testApp.http.get('/docs').redirects(1).expect(200);
    expect(docs.text).toContain('swagger-ui');
    expect(docs.headers['content-security-policy']).toBeUndefined();
    await testApp.http.get('/docs/openapi.json').expect(200);

    const live = await testApp.http.get('/health/live').expect(200);
    expect(live.headers['content-security-policy']).toBeUndefined();
    const metrics = await testApp.http.get('/metrics').expect(200);
    expect(metrics.text).toContain('route="/",status_code="200"');
  });

  it.each([
    '/assets/../package.json',
    '/assets/%2e%2e/package.json',
    '/assets/%2E%2E%2Fpackage.json',
    '/assets/..%2fpackage.json',
    '/assets/..%5cpackage.json',
    '/assets/%2e%2e/%2e%2e/package.json',
    '/assets//../../package.json',
    '/%2e%2e/package.json',
  ])('serves no file outside the build: %s is 404', async (path) => {
    const { port } = new URL(await listeningUrl(testApp));
    const response = await rawRequest(
      Number(port),
      `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
    );
    response.socket.destroy();
    expect(response.status).toBe(404);
    expect(response.body).not.toContain('"name": "fleethub"');
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});

describe('Dashboard: the operator settings in the page and its policy', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp({
      redis: false,
      env: {
        DASHBOARD_TILE_URL: 'https://{s}.tiles.example.com:8443/v1/{z}/{x}/{y}{r}.png',
        DASHBOARD_TILE_ATTRIBUTION: 'Tiles <b>Example</b></script><!-- &copy;',
        DASHBOARD_OFFLINE_AFTER_SECONDS: '120',
      },
    });
  });
  afterAll(() => testApp.close());

  it('writes them into the config script, no `<` of theirs left to end the script', async () => {
    const page = await testApp.http.get('/').expect(200);
    expect(pageConfig(page.text)).toEqual({
      tileUrl: 'https://{s}.tiles.example.com:8443/v1/{z}/{x}/{y}{r}.png',
      tileAttribution: 'Tiles <b>Example</b></script><!-- &copy;',
      offlineAfterSeconds: 120,
    });
    expect(page.text).toContain('Tiles \\u003cb>Example\\u003c/b>\\u003c/script>\\u003c!-- &copy;');
    expect(page.text.match(/<\/script>/g)).toHaveLength(
      readFileSync(join(BUILD, 'index.html'), 'utf8').match(/<\/script>/g)!.length,
    );
  });

  it("allows the tile server's images, any of its subdomains, and no other origin", async () => {
    const page = await testApp.http.get('/').expect(200);
    expect(imageSources(page)).toBe("'self' data: blob: https://*.tiles.example.com:8443");
    expect(page.headers['content-security-policy']).toContain("connect-src 'self';");
  });
});

describe('Dashboard: without tiles (DASHBOARD_TILE_URL empty)', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp({ redis: false, env: { DASHBOARD_TILE_URL: '' } });
  });
  afterAll(() => testApp.close());

  it('tells the page there are none, with no credit, and allows images of its own only', async () => {
    const page = await testApp.http.get('/').expect(200);
    expect(pageConfig(page.text)).toEqual({
      tileUrl: null,
      tileAttribution: '',
      offlineAfterSeconds: 600,
    });
    expect(imageSources(page)).toBe("'self' data: blob:");
  });
});

describe('Dashboard: a server whose front end is not built', () => {
  const empty = mkdtempSync(join(tmpdir(), 'fleethub-no-dashboard-'));
  const warn = jest.spyOn(Logger.prototype, 'warn');
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp({
      redis: false,
      overrides: [{ provide: DASHBOARD_DIRECTORY, useValue: empty }],
    });
  });
  afterAll(async () => {
    warn.mockRestore();
    await testApp.close();
    rmSync(empty, { recursive: true, force: true });
  });

  it('starts, says so once in its log, and answers / with what to do', async () => {
    expect(warn.mock.calls.filter(([message]) => String(message).includes(empty))).toEqual([
      [`The dashboard is not built (no ${empty}/index.html): / answers 503`],
    ]);
    const response = await testApp.http.get('/').expect(503);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.text).toBe('The dashboard is not built: run npm run build\n');
  });

  it('serves its APIs and health as ever; /assets paths are the API 404', async () => {
    await testApp.http.get('/health/live').expect(200);
    const api = await testApp.http.get('/apidev/v1/nope').expect(404);
    expect(api.body).toEqual(errorEnvelope('NOT_FOUND', 'Cannot GET /apidev/v1/nope'));
    const asset = await testApp.http.get('/assets/index.js').expect(404);
    expect(asset.body).toEqual(errorEnvelope('NOT_FOUND', 'Cannot GET /assets/index.js'));
  });
});

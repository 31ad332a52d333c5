import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { loadDashboardFiles, locateDashboardBuild } from './dashboard-files';

const SETTINGS = { tileUrl: null, tileAttribution: '', offlineAfterSeconds: 60 };
const PAGE = '<script id="fleethub-config" type="application/json">{}</script>';

describe('the dashboard build', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'fleethub-dashboard-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is dist/web beside the package.json above the code, compiled or not', () => {
    writeFileSync(join(root, 'package.json'), '{}');
    mkdirSync(join(root, 'dist', 'src', 'dashboard'), { recursive: true });
    expect(locateDashboardBuild(join(root, 'dist', 'src', 'dashboard'))).toBe(
      join(root, 'dist', 'web'),
    );
    expect(locateDashboardBuild(join(root, 'src', 'dashboard'))).toBe(join(root, 'dist', 'web'));
  });

  it('is the project’s own when the code runs from its sources', () => {
    expect(locateDashboardBuild()).toBe(join(__dirname, '..', '..', 'dist', 'web'));
  });

  it('is missing without index.html', () => {
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'assets', 'index.js'), 'export {};');
    expect(loadDashboardFiles(root, SETTINGS)).toBeUndefined();
  });

  it('serves the filled page at / and each file under assets/ at its path', () => {
    const script = 'console.log("fleet");\n'.repeat(50);
    mkdirSync(join(root, 'assets', 'fonts'), { recursive: true });
    writeFileSync(join(root, 'index.html'), PAGE);
    writeFileSync(join(root, 'assets', 'index-abc.js'), script);
    writeFileSync(join(root, 'assets', 'fonts', 'a.woff2'), Buffer.from([1, 2, 3]));
    writeFileSync(join(root, 'favicon.ico'), 'not served: the contract names / and /assets only');

    const files = loadDashboardFiles(root, SETTINGS)!;
    expect([...files.keys()].sort()).toEqual([
      '/',
      '/assets/fonts/a.woff2',
      '/assets/index-abc.js',
    ]);
    expect(files.get('/')!.body.toString()).toContain(JSON.stringify(SETTINGS));
    expect(files.get('/')).toMatchObject({ extension: '.html', cacheControl: 'no-cache' });
    const js = files.get('/assets/index-abc.js')!;
    expect(js).toMatchObject({
      extension: '.js',
      cacheControl: 'public, max-age=31536000, immutable',
    });
    expect(gunzipSync(js.gzip!).toString()).toBe(script);
    // Three bytes gzip to more than three: they are sent as they are.
    expect(files.get('/assets/fonts/a.woff2')!.gzip).toBeUndefined();
  });
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { listeningUrl } from '../../utils/listening-url';
import { createTestApp, GENEROUS_RATE_LIMITS, type TestApp } from '../../utils/test-app';
import { launchChromium } from './chromium';
import { recordPages, type PageRecord } from './page-record';

/** The built page the server serves at `/`. */
const WEB_INDEX = join(__dirname, '..', '..', '..', 'dist', 'web', 'index.html');

/** The window every test (and every screenshot) sees the page through. */
export const VIEWPORT = { width: 1280, height: 800 };

/** How long a click or a fill waits for its element (Playwright's default is 30 s). */
const ACTION_TIMEOUT_MS = 10_000;

/** One Chromium for the spec file, launched before its tests and closed after them. */
export function useChromium(): { readonly browser: Browser } {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get browser() {
      if (!browser) throw new Error('Chromium is not running (its beforeAll failed)');
      return browser;
    },
  };
}

export interface DashboardOptions {
  /** The app's environment, as an operator sets it; read when the app boots. */
  env?: () => Record<string, string>;
  /** Origins besides the app's own the page may reach; read for each test. */
  allowedOrigins?: () => string[];
  /** Options of each test's browser context, beyond the viewport. */
  context?: BrowserContextOptions;
}

/** The app of a `describe` and the page of the running test. */
export interface Dashboard {
  readonly testApp: TestApp;
  /** The app's base URL (`http://127.0.0.1:<port>`), where the page is served. */
  readonly url: string;
  readonly page: Page;
  readonly context: BrowserContext;
  /** What the test's page requested and reported. */
  readonly record: PageRecord;
}

/**
 * The real app (PostgreSQL, Redis) listening on 127.0.0.1 for the enclosing `describe`, and for
 * each test a new browser context with one page, recorded by `recordPages`. A test fails when its
 * page throws or breaks its Content-Security-Policy.
 */
export function useDashboard(
  chromium: { readonly browser: Browser },
  options: DashboardOptions = {},
): Dashboard {
  let testApp: TestApp | undefined;
  let url = '';
  let current: { context: BrowserContext; page: Page; record: PageRecord } | undefined;

  beforeAll(async () => {
    if (!existsSync(WEB_INDEX)) {
      throw new Error(
        `${WEB_INDEX} is missing: the browser specs serve the built dashboard. Run them through ` +
          'jest (its global setup runs `npm run build:web`) or build it first.',
      );
    }
    testApp = await createTestApp({ env: { ...GENEROUS_RATE_LIMITS, ...options.env?.() } });
    url = await listeningUrl(testApp);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  beforeEach(async () => {
    const context = await chromium.browser.newContext({ viewport: VIEWPORT, ...options.context });
    // An element the contract promises is there at once or soon; waits for whole fleets and
    // tracks to load say so with longer timeouts of their own.
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    const record = await recordPages(context, url, options.allowedOrigins?.());
    current = { context, page: await context.newPage(), record };
  });

  afterEach(async () => {
    const finished = current;
    current = undefined;
    if (!finished) return;
    await finished.context.close();
    finished.record.assertClean();
  });

  const running = () => {
    if (!current) throw new Error('No page: use the dashboard inside a test');
    return current;
  };
  return {
    get testApp() {
      if (!testApp) throw new Error('The app is not running (its beforeAll failed)');
      return testApp;
    },
    get url() {
      return url;
    },
    get page() {
      return running().page;
    },
    get context() {
      return running().context;
    },
    get record() {
      return running().record;
    },
  };
}

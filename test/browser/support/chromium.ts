import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's `chromium` package, unless CHROMIUM_PATH names another build. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless, and quiet: no sandbox (containers and CI run as root), no GPU, and none of the
 * browser's own traffic (updates, sync, field trials), so every request a test records is the
 * page's.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Chromium driven by playwright-core. Each launch gets a fresh profile (Playwright creates a new
 * user-data-dir for it and removes it on close), so nothing a test stores outlives its browser.
 * A missing browser fails the run: the browser specs are part of `npm test`, never skipped.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: the browser specs and the dashboard benchmark drive ` +
        "Debian's chromium package. Install it (apt-get install chromium) or set CHROMIUM_PATH " +
        'to a Chromium executable.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

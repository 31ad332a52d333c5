import type { DashboardSettings } from '../config/app-config';

/** The script element the front end reads its settings from (`web/src/config.ts`). */
const CONFIG_SCRIPT =
  /(<script id="fleethub-config" type="application\/json">)[\s\S]*?(<\/script>)/;

/**
 * The built page with the operator's settings as its config script's content. `<` is written
 * `\u003c`, so that no value (an attribution is HTML) can close the script or open a comment.
 */
export function fillPageConfig(page: string, settings: DashboardSettings): string {
  if (!CONFIG_SCRIPT.test(page)) {
    throw new Error('The dashboard page has no <script id="fleethub-config"> to fill');
  }
  const json = JSON.stringify(settings).replace(/</g, '\\u003c');
  // A function, not a replacement string: `$&` and its kind in a value stay as written.
  return page.replace(CONFIG_SCRIPT, (_page, open: string, close: string) => open + json + close);
}

import type { BrowserContext, Request } from 'playwright-core';

/** What the pages of a browser context did, for the test to assert on. */
export interface PageRecord {
  /** Every request, in the order made, blocked ones included. */
  readonly requests: Request[];
  /** URLs of the requests aborted for leaving the allowed origins. */
  readonly blocked: string[];
  readonly consoleErrors: string[];
  /** Uncaught exceptions and unhandled rejections of the page's scripts. */
  readonly pageErrors: string[];
  /** Content-Security-Policy violations the page reported (enforced or report-only). */
  readonly cspViolations: string[];
  /** The requests to origins other than the app's own (data: and blob: URLs are the page's). */
  crossOrigin(): string[];
  /** Throws, listing what went wrong, when the page had an error or broke its CSP. */
  assertClean(): void;
}

/** The page-side reporter of CSP violations (a binding the init script below calls). */
const CSP_BINDING = 'fleethubTestCspViolation';

interface CspReporter {
  [CSP_BINDING]: (violation: string) => Promise<void>;
}

/**
 * Records everything the context's pages request and report, and aborts any request to an origin
 * other than `appOrigin` and `allowedOrigins`: a test sees what the page asked for, and nothing
 * it asked for leaves the machine.
 */
export async function recordPages(
  context: BrowserContext,
  appOrigin: string,
  allowedOrigins: string[] = [],
): Promise<PageRecord> {
  const requests: Request[] = [];
  const blocked: string[] = [];
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];
  const reachable = new Set([appOrigin, ...allowedOrigins]);
  const ownUrl = (url: string) => /^(data|blob|about):/.test(url);

  context.on('request', (request) => requests.push(request));
  context.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  context.on('weberror', (error) => pageErrors.push(String(error.error())));
  await context.route(
    (url) => !reachable.has(url.origin) && !ownUrl(url.href),
    async (route) => {
      blocked.push(route.request().url());
      await route.abort('blockedbyclient');
    },
  );
  await context.exposeBinding(CSP_BINDING, (_source, violation: string) => {
    cspViolations.push(violation);
  });
  await context.addInitScript((binding) => {
    document.addEventListener('securitypolicyviolation', (event) => {
      void (window as unknown as CspReporter)[binding as typeof CSP_BINDING](
        `${event.disposition}: ${event.effectiveDirective} refused ${event.blockedURI || 'inline'}` +
          ` at ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  }, CSP_BINDING);

  return {
    requests,
    blocked,
    consoleErrors,
    pageErrors,
    cspViolations,
    crossOrigin: () =>
      requests
        .map((request) => request.url())
        .filter((url) => !ownUrl(url) && new URL(url).origin !== appOrigin),
    assertClean() {
      if (pageErrors.length === 0 && cspViolations.length === 0) return;
      throw new Error(
        [
          'The page failed:',
          ...pageErrors.map((error) => `  page error: ${error}`),
          ...cspViolations.map((violation) => `  CSP violation: ${violation}`),
          ...consoleErrors.map((error) => `  console error: ${error}`),
        ].join('\n'),
      );
    },
  };
}

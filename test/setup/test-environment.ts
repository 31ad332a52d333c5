/**
 * Where the e2e suites find their servers. Global setup decides once (see global-setup.ts) and
 * hands the answer to the test workers through these environment variables.
 */
export const TEST_ENV = {
  /** A PostgreSQL URL with the right to create databases (any database name). */
  adminUrl: 'FLEETHUB_TEST_ADMIN_URL',
  /** The migrated database every test file clones. */
  template: 'FLEETHUB_TEST_TEMPLATE',
  /** Redis for the suites that need it; unset when none is reachable (and not required). */
  redisUrl: 'FLEETHUB_TEST_REDIS_URL',
  /** Prefix shared by every database this run creates, so teardown can drop them all. */
  runPrefix: 'FLEETHUB_TEST_RUN_PREFIX',
  /** Set when global setup started an embedded PostgreSQL (no server was reachable). */
  embeddedDir: 'FLEETHUB_TEST_EMBEDDED_DIR',
} as const;

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

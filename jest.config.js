/**
 * Unit specs live beside the code; contract specs serve one controller with mocks behind it (no
 * database, no Redis); e2e specs boot the real app against real PostgreSQL and Redis.
 */
const transform = {
  '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
};

/**
 * The dashboard's pure logic: the `*.spec.ts` beside the code in web/src, which need no DOM and no
 * browser. The page's code is written for the bundler as ES modules; jest loads CommonJS, so
 * ts-jest compiles it to that here.
 */
const web = {
  displayName: 'web',
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch: ['<rootDir>/web/src/**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false, tsconfig: { module: 'commonjs' } }],
  },
};

/**
 * The fault-injection suite (`npm run test:faults`) runs the compiled app as separate processes
 * with servers of its own that it kills and restarts; it takes minutes, so `npm test` leaves it
 * out: the project exists only when FLEETHUB_FAULTS=1.
 */
const faults = {
  displayName: 'faults',
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/faults/**/*.faults-spec.ts'],
  transform,
  setupFilesAfterEnv: ['<rootDir>/test/faults/support/jest-setup.ts'],
};

/**
 * The browser specs (`test/browser/`) drive the dashboard in headless Chromium against the real
 * app. A browser is heavy on a small machine, so `npm test` runs them after the other projects,
 * one file at a time (`npm run test:browser`).
 */
const browser = {
  displayName: 'browser',
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
  transform,
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/test/browser/support/jest-setup.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  maxWorkers: 2,
  // Jest reads the hook timeout (beforeAll/afterAll) from here, not from a project's testTimeout:
  // booting and closing a real app on a loaded machine can take longer than the 5 s default.
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/setup/summary-reporter.js'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      transform,
    },
    web,
    {
      displayName: 'contracts',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/contracts/**/*.contract-spec.ts'],
      transform,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      transform,
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
    browser,
    ...(process.env.FLEETHUB_FAULTS === '1' ? [faults] : []),
  ],
};

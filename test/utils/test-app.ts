import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import type { InjectionToken, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { HTTP_APP_OPTIONS, configureApp } from '../../src/app.setup';
import { AuthModule } from '../../src/auth/auth.module';
import { loadConfig, type ResolvedAppConfig } from '../../src/config/app-config';
import { createTestDatabase, testRedisUrl } from './test-database';

export const TEST_JWT_SECRET = 'test-secret-of-at-least-thirty-two-characters';
/** SECRETS_ENCRYPTION_KEY of the test apps and CLI runs: 32 bytes, base64. */
export const TEST_SECRETS_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

/** Rate limits (as `TestAppOptions.env`) too large to get in the way of a test's requests. */
export const GENEROUS_RATE_LIMITS: Record<string, string> = {
  RATE_LIMIT_API_PER_MINUTE: '1000000',
  RATE_LIMIT_GLOBAL_CAPACITY: '1000000',
  RATE_LIMIT_GLOBAL_REFILL: '1000000',
  RATE_LIMIT_IMEI_CAPACITY: '1000000',
  RATE_LIMIT_IMEI_REFILL: '1000000',
};

export interface TestApp {
  app: NestExpressApplication;
  config: ResolvedAppConfig;
  http: TestAgent;
  dataSource: DataSource;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Use the run's Redis (default: only when one is reachable). */
  redis?: boolean;
  /** Extra environment variables, as an operator would set them. */
  env?: Record<string, string>;
  /**
   * Test-only controllers mounted beside the application's own (e.g. routes behind a guard no
   * production route uses yet). They live in the testing module, which imports AuthModule so the
   * auth guards resolve there.
   */
  extraControllers?: Type[];
  /**
   * An existing database to serve (e.g. one the CLI has just written to). The caller owns it:
   * `close()` leaves it in place. Default: a fresh database of the app's own, dropped on close.
   */
  databaseUrl?: string;
  /** Providers the application gets as these values instead (e.g. where a file is read from). */
  overrides?: { provide: InjectionToken; useValue: unknown }[];
}

/**
 * The production application (same module, same `configureApp`) on a database of its own,
 * configured through the same environment variables an operator uses.
 *
 * Authenticate against one app at a time in a test file: Passport strategies are registered
 * process-wide by name, so the most recently created app's strategies (and through them its
 * database and credential cache) serve the guards of every app still open. Give an app with
 * another configuration its own `describe` (its own beforeAll/afterAll), not a nested lifetime.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.databaseUrl
    ? { url: options.databaseUrl, drop: () => Promise.resolve() }
    : await createTestDatabase();
  const redis = options.redis === false ? undefined : testRedisUrl();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    JWT_SECRET: TEST_JWT_SECRET,
    SECRETS_ENCRYPTION_KEY: TEST_SECRETS_ENCRYPTION_KEY,
    // Its own queues and bucket keys on the shared Redis: no other app's worker takes its jobs
    // into another database. Apps that must share them pass the same QUEUE_PREFIX.
    QUEUE_PREFIX: `fh-test-${randomBytes(4).toString('hex')}`,
    ...(redis ? { REDIS_URL: redis } : {}),
    ...options.env,
  }) as ResolvedAppConfig;

  const extraControllers = options.extraControllers ?? [];
  const builder = Test.createTestingModule({
    imports: [AppModule.forRoot(config), ...(extraControllers.length > 0 ? [AuthModule] : [])],
    controllers: extraControllers,
  });
  for (const { provide, useValue } of options.overrides ?? []) {
    builder.overrideProvider(provide).useValue(useValue);
  }
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>(HTTP_APP_OPTIONS);
  configureApp(app, config);
  await app.init();
  return {
    app,
    config,
    http: request(app.getHttpServer()),
    dataSource: app.get(DataSource),
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

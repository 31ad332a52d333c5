import type { Provider, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { GLOBAL_HTTP_PROVIDERS, HTTP_APP_OPTIONS, configureApp } from '../../src/app.setup';
import { CredentialVerifier } from '../../src/auth/credential-verifier.service';
import { FailedAuthLimiter } from '../../src/auth/failed-auth.limiter';
import type {
  ApiKeyPrincipal,
  ApiPrincipal,
  TenantPrincipal,
  VerifiedApiKey,
  VerifiedUser,
} from '../../src/auth/principal';
import { ApiKeyStrategy } from '../../src/auth/strategies/api-key.strategy';
import {
  NorthboundBasicStrategy,
  TwilioBasicStrategy,
} from '../../src/auth/strategies/basic.strategies';
import { JwtStrategy } from '../../src/auth/strategies/jwt.strategy';
import { ErrorFormatsModule } from '../../src/common/errors/error-formats.module';
import { loggerParams } from '../../src/common/logging';
import { loadConfig, type ResolvedAppConfig } from '../../src/config/app-config';
import { AppConfigModule } from '../../src/config/config.module';
import { MetricsService } from '../../src/metrics/metrics.service';
import { signToken } from '../factories/token.factory';
import { TEST_JWT_SECRET } from '../utils/test-app';
import { automock, resetMock } from './automock';

/** The one tenant the stub credential store knows, with a user and an API key of it. */
const TENANT = { id: '00000000-0000-4000-8000-00000000000a', slug: 'contract-fleet' };
const USER: VerifiedUser = {
  id: '00000000-0000-4000-8000-00000000000b',
  tenantId: TENANT.id,
  role: 'admin',
};
const API_KEY: VerifiedApiKey = { id: '00000000-0000-4000-8000-00000000000c', tenantId: TENANT.id };
const API_KEY_TEXT = 'fh_contract_api_key';

/** Who a request with `API_KEY_HEADERS` authenticates as (token issue). */
export const STUB_API_KEY_PRINCIPAL: ApiKeyPrincipal = {
  tenantId: TENANT.id,
  tenantSlug: TENANT.slug,
  apiKeyId: API_KEY.id,
};

/** Who a request with `API_HEADERS` authenticates as (the dual-auth routes). */
export const STUB_PRINCIPAL: ApiPrincipal = {
  ...STUB_API_KEY_PRINCIPAL,
  userId: USER.id,
  role: USER.role,
};

/** Who a request with `NORTHBOUND_CREDENTIALS` authenticates as (HTTP Basic). */
export const STUB_TENANT_PRINCIPAL: TenantPrincipal = {
  tenantId: TENANT.id,
  credentialId: '00000000-0000-4000-8000-00000000000d',
};

export const API_KEY_HEADERS = { 'X-API-Key': API_KEY_TEXT, tenant: TENANT.slug };

/** A token signed with the app's secret, as the token route would issue it. */
export const API_HEADERS = {
  Authorization: `Bearer ${signToken({ sub: USER.id, tid: TENANT.id })}`,
  ...API_KEY_HEADERS,
};

/** Username and password of the stub tenant's northbound credential (`.auth(...)`). */
export const NORTHBOUND_CREDENTIALS: [string, string] = ['nb_contract', 'contract-password'];

/** The stub tenant's Account SID and auth token, for the Twilio-compatible routes (`.auth(...)`). */
export const TWILIO_CREDENTIALS: [string, string] = [
  'AC0000000000000000000000000000000a',
  'contract-auth-token',
];

/** Who a request with `TWILIO_CREDENTIALS` authenticates as: the Account SID is its credential. */
export const STUB_ACCOUNT_PRINCIPAL: TenantPrincipal = {
  tenantId: TENANT.id,
  credentialId: TWILIO_CREDENTIALS[0],
};

/**
 * What the guards ask of the credential store, answered for the stub tenant only: its credentials
 * verify, anything else is unknown (401). Nothing is remembered, so every request is checked in
 * full: JWT signature and expiry (the real strategy), API key, tenant header.
 */
const stubCredentialStore: Pick<
  CredentialVerifier,
  | 'knownPrincipal'
  | 'rememberPrincipal'
  | 'findActiveUser'
  | 'verifyApiKey'
  | 'findTenantBySlug'
  | 'verifyNorthbound'
  | 'verifyAccount'
> = {
  knownPrincipal: () => undefined,
  rememberPrincipal: () => undefined,
  findActiveUser: (id) => Promise.resolve(id === USER.id ? USER : null),
  verifyApiKey: (key) => Promise.resolve(key === API_KEY_TEXT ? API_KEY : null),
  findTenantBySlug: (slug) => Promise.resolve(slug === TENANT.slug ? TENANT : null),
  verifyNorthbound: (username, password) =>
    Promise.resolve(
      username === NORTHBOUND_CREDENTIALS[0] && password === NORTHBOUND_CREDENTIALS[1]
        ? STUB_TENANT_PRINCIPAL
        : null,
    ),
  verifyAccount: (accountSid, authToken) =>
    Promise.resolve(
      accountSid === TWILIO_CREDENTIALS[0] && authToken === TWILIO_CREDENTIALS[1]
        ? STUB_ACCOUNT_PRINCIPAL
        : null,
    ),
};

/** Failed authentications go uncounted here: the limit on them is an e2e matter (Redis, time). */
const uncountedFailures: Pick<FailedAuthLimiter, 'guard'> = {
  guard: (_request, authenticate) => authenticate(),
};

export interface ContractAppOptions {
  /** Run as they are: the code between the controller and what would leave the process. */
  providers?: Provider[];
  /** Replaced by an `automock` each: whatever would reach PostgreSQL, Redis or a queue. */
  mocks?: Type[];
  /** Environment variables, as an operator would set them. */
  env?: Record<string, string>;
}

export interface ContractApp {
  http: TestAgent;
  /** The automock standing in for `type` (listed in `mocks`). */
  mock<T>(type: Type<T>): jest.Mocked<T>;
  /** Forgets the calls and answers of every mock: call it before each test. */
  resetMocks(): void;
  close(): Promise<void>;
}

/**
 * One controller served as production serves it, with no database, Redis or queue: the same
 * global filter and pipe (`GLOBAL_HTTP_PROVIDERS`), the same `configureApp`, the route's own guards
 * and passport strategies, over a stub credential store of one tenant (`API_HEADERS`,
 * `API_KEY_HEADERS`, `NORTHBOUND_CREDENTIALS`, `TWILIO_CREDENTIALS`).
 */
export async function createContractApp(
  controller: Type,
  options: ContractAppOptions = {},
): Promise<ContractApp> {
  // No database is configured: nothing here may reach one.
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    JWT_SECRET: TEST_JWT_SECRET,
    ...options.env,
  }) as ResolvedAppConfig;
  const mocks = new Map((options.mocks ?? []).map((type) => [type, automock(type) as object]));

  const moduleRef = await Test.createTestingModule({
    imports: [
      AppConfigModule.forRoot(config),
      LoggerModule.forRoot(loggerParams(config)),
      // The global filter asks it for the format of other API families' mounts.
      ErrorFormatsModule,
      // The throttler the authentication decorators' request limit and telemetry's guard are
      // built on; with no limit configured, it counts nothing (limits are an e2e matter).
      ThrottlerModule.forRoot(),
    ],
    controllers: [controller],
    providers: [
      ...GLOBAL_HTTP_PROVIDERS,
      MetricsService,
      JwtStrategy,
      ApiKeyStrategy,
      NorthboundBasicStrategy,
      TwilioBasicStrategy,
      { provide: CredentialVerifier, useValue: stubCredentialStore },
      { provide: FailedAuthLimiter, useValue: uncountedFailures },
      ...(options.providers ?? []),
      ...[...mocks].map(([provide, useValue]) => ({ provide, useValue })),
    ],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>(HTTP_APP_OPTIONS);
  configureApp(app, config);
  await app.init();

  return {
    http: request(app.getHttpServer()),
    mock<T>(type: Type<T>) {
      const mock = mocks.get(type);
      if (!mock) throw new Error(`${type.name} is not among the mocks of this contract app`);
      return mock as jest.Mocked<T>;
    },
    resetMocks: () => mocks.forEach(resetMock),
    close: () => app.close(),
  };
}

import { loadConfig } from './app-config';
import { ConfigurationError } from './environment';

/** The error `loadConfig` throws for an environment; fails the test when it does not throw one. */
/** What production requires beside the defaults: a JWT secret and an encryption key. */
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'x'.repeat(32),
  SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
};

function configurationError(env: NodeJS.ProcessEnv): ConfigurationError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config.env).toBe('development');
    expect(config.role).toBe('all');
    expect(config.http).toEqual({
      host: '127.0.0.1',
      port: 3000,
      bodyLimitBytes: 1024 * 1024,
      bodyTimeoutMs: 10_000,
      trustProxy: false,
      workerMetricsPort: undefined,
    });
    expect(config.database.url).toBeUndefined();
    expect(config.database.migrationsRun).toBe(true);
    expect(config.redis.url).toBeUndefined();
    expect(config.auth.jwt).toBeUndefined();
    expect(config.auth.jwtTtlSeconds).toBe(3600);
    expect(config.auth.credentialCacheTtlMs).toBe(30_000);
    expect(config.log).toEqual({ level: 'info', format: undefined });
    expect(config.telemetry.maxPoints).toBe(1000);
    expect(config.northbound.basePath).toBe('');
    expect(config.rateLimit.global).toEqual({ capacity: 180, refillPerSecond: 30 });
    expect(config.rateLimit.imei).toEqual({ capacity: 90, refillPerSecond: 15 });
    expect(config.lifecycle).toEqual({
      retentionDays: undefined,
      partitionMonthsAhead: 3,
      partitionMonthsBehind: 1,
      intervalMs: 3_600_000,
    });
    expect(config.deviceTime).toEqual({ maxFutureMs: 600_000, maxAgeMs: undefined });
    expect(config.live.heartbeatMs).toBe(15_000);
    expect(config.readiness).toEqual({ maxQueueWaiting: 10_000, maxQueueAgeSeconds: 0 });
    expect(config.microvisor).toEqual({ bundleMaxBytes: 16 * 1024 * 1024 });
  });

  it('reads APP_BUNDLE_MAX_BYTES, from 1 KiB to 256 MiB', () => {
    expect(loadConfig({ APP_BUNDLE_MAX_BYTES: '1024' }).microvisor.bundleMaxBytes).toBe(1024);
    expect(configurationError({ APP_BUNDLE_MAX_BYTES: '1023' }).problems).toEqual([
      'APP_BUNDLE_MAX_BYTES must not be less than 1024 (got "1023")',
    ]);
    expect(
      configurationError({ APP_BUNDLE_MAX_BYTES: String(256 * 1024 * 1024 + 1) }).problems,
    ).toHaveLength(1);
  });

  it('listens on 127.0.0.1 outside production and on every interface in production; HOST wins', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).http.host).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'test' }).http.host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '' }).http.host).toBe('127.0.0.1');
    expect(loadConfig(PRODUCTION).http.host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '0.0.0.0' }).http.host).toBe('0.0.0.0');
    expect(loadConfig({ ...PRODUCTION, HOST: '10.0.0.5' }).http.host).toBe('10.0.0.5');
  });

  it('reads LOG_FORMAT: json or pretty, unset left to the terminal', () => {
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).log.format).toBe('pretty');
    expect(loadConfig({ LOG_FORMAT: 'json' }).log.format).toBe('json');
    expect(configurationError({ LOG_FORMAT: 'text' }).problems).toEqual([
      'LOG_FORMAT must be one of the following values: json, pretty (got "text")',
    ]);
  });

  it('reads TRUST_PROXY as Express takes it: a boolean, a hop count or a list of addresses', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).http.trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).http.trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).http.trustProxy).toBe(
      'loopback, 10.0.0.0/8',
    );
    expect(configurationError({ TRUST_PROXY: 'yes;rm' }).problems).toEqual([
      'TRUST_PROXY must be false, true, a hop count, or addresses/subnets separated by commas (got "yes;rm")',
    ]);
  });

  it('reads the live heartbeat and the readiness limits; 0 turns a readiness limit off', () => {
    const config = loadConfig({
      LIVE_HEARTBEAT_SECONDS: '45',
      READY_MAX_QUEUE_WAITING: '0',
      READY_MAX_QUEUE_AGE_SECONDS: '120',
    });
    expect(config.live.heartbeatMs).toBe(45_000);
    expect(config.readiness).toEqual({ maxQueueWaiting: 0, maxQueueAgeSeconds: 120 });
    expect(loadConfig({ READY_MAX_QUEUE_AGE_SECONDS: '0' }).readiness).toEqual({
      maxQueueWaiting: 10_000,
      maxQueueAgeSeconds: 0,
    });
  });

  it('reads the data-lifecycle settings; an empty RETENTION_DAYS keeps data forever', () => {
    expect(
      loadConfig({
        RETENTION_DAYS: '400',
        PARTITION_MONTHS_AHEAD: '6',
        PARTITION_MONTHS_BEHIND: '0',
        LIFECYCLE_INTERVAL_MINUTES: '0',
      }).lifecycle,
    ).toEqual({
      retentionDays: 400,
      partitionMonthsAhead: 6,
      partitionMonthsBehind: 0,
      intervalMs: 0,
    });
    expect(loadConfig({ RETENTION_DAYS: '' }).lifecycle.retentionDays).toBeUndefined();
  });

  it('reads the device-time window; an empty DEVICE_TIME_MAX_AGE_DAYS sets no floor', () => {
    expect(
      loadConfig({ DEVICE_TIME_MAX_FUTURE_SECONDS: '0', DEVICE_TIME_MAX_AGE_DAYS: '30' })
        .deviceTime,
    ).toEqual({ maxFutureMs: 0, maxAgeMs: 30 * 86_400_000 });
    expect(loadConfig({ DEVICE_TIME_MAX_AGE_DAYS: '' }).deviceTime.maxAgeMs).toBeUndefined();
    expect(configurationError({ DEVICE_TIME_MAX_FUTURE_SECONDS: '86401' }).problems).toEqual([
      expect.stringContaining('DEVICE_TIME_MAX_FUTURE_SECONDS'),
    ]);
    expect(configurationError({ DEVICE_TIME_MAX_AGE_DAYS: '0' }).problems).toEqual([
      expect.stringContaining('DEVICE_TIME_MAX_AGE_DAYS'),
    ]);
    expect(configurationError({ PARTITION_MONTHS_BEHIND: '13' }).problems).toEqual([
      expect.stringContaining('PARTITION_MONTHS_BEHIND'),
    ]);
  });

  it('reads the values an operator sets, converting numbers and booleans', () => {
    const config = loadConfig({
      PORT: '8080',
      WORKER_METRICS_PORT: '9464',
      ROLE: 'worker',
      DATABASE_URL: 'postgresql://fleet@db:5432/fleethub',
      MIGRATIONS_RUN: 'off',
      JWT_SECRET: 'x'.repeat(32),
      AUTH_CACHE_TTL: '0',
      TELEMETRY_MAX_POINTS: '50',
      NORTHBOUND_BASE_PATH: '/asset-tracker/v1',
    });
    expect(config.http.port).toBe(8080);
    expect(config.http.workerMetricsPort).toBe(9464);
    expect(config.role).toBe('worker');
    expect(config.database.url).toBe('postgresql://fleet@db:5432/fleethub');
    expect(config.database.migrationsRun).toBe(false);
    expect(config.auth.jwt).toEqual({ algorithm: 'HS256', secret: 'x'.repeat(32) });
    expect(config.auth.credentialCacheTtlMs).toBe(0);
    expect(config.telemetry.maxPoints).toBe(50);
    expect(config.northbound.basePath).toBe('/asset-tracker/v1');
  });

  it('ignores variables that are not FleetHub settings', () => {
    expect(loadConfig({ PATH: '/usr/bin', SOMETHING_ELSE: 'x' }).http.port).toBe(3000);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['ROLE', 'scheduler'],
    ['MIGRATIONS_RUN', 'maybe'],
    ['LOG_LEVEL', 'verbose'],
    ['NORTHBOUND_BASE_PATH', 'northbound'],
    ['NORTHBOUND_BASE_PATH', '/northbound/'],
    ['NORTHBOUND_BASE_PATH', '/north bound'],
    ['RETENTION_DAYS', '0'],
    ['RETENTION_DAYS', '30d'],
    ['PARTITION_MONTHS_AHEAD', '0'],
    ['LIFECYCLE_INTERVAL_MINUTES', '-5'],
    ['LIVE_HEARTBEAT_SECONDS', '0'],
    ['LIVE_HEARTBEAT_SECONDS', '301'],
    ['READY_MAX_QUEUE_WAITING', '-1'],
    ['READY_MAX_QUEUE_WAITING', 'many'],
    ['READY_MAX_QUEUE_AGE_SECONDS', '1.5'],
    ['DATA_SESSION_IDLE_MINUTES', '0'],
    ['DATA_SESSION_IDLE_MINUTES', '1441'],
  ])('rejects %s=%s, naming the variable and the value', (name, value) => {
    const error = configurationError({ [name]: value });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(new RegExp(`^${name} `));
    expect(error.message).toContain(`(got "${value}")`);
  });

  it.each([
    ['DATABASE_URL', 'mysql://fleet:hunter2@db/fleethub'],
    ['REDIS_URL', 'memcached://:hunter2@cache'],
    ['JWT_SECRET', 'hunter2-is-too-short'],
    ['JWT_PRIVATE_KEY', 'hunter2-not-a-pem'],
  ])('rejects a bad secret %s without echoing its value', (name, value) => {
    const error = configurationError({ [name]: value });
    expect(error.problems).toHaveLength(1);
    expect(error.message).toContain(name);
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain(value);
  });

  it('explains what a bad DATABASE_URL and a short JWT_SECRET must be', () => {
    expect(configurationError({ DATABASE_URL: 'mysql://x' }).message).toBe(
      'Invalid configuration: DATABASE_URL must be a postgres:// URL',
    );
    expect(configurationError({ JWT_SECRET: 'short' }).message).toBe(
      'Invalid configuration: JWT_SECRET must be at least 32 characters',
    );
  });

  it('requires a JWT key and an encryption key in production', () => {
    const error = configurationError({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://fleet@db/fleethub',
    });
    expect(error.problems).toEqual([
      'JWT_SECRET (or JWT_PUBLIC_KEY) is required when NODE_ENV=production',
      'SECRETS_ENCRYPTION_KEY is required when NODE_ENV=production',
    ]);
    expect(
      configurationError({ NODE_ENV: 'production', JWT_SECRET: 's'.repeat(32) }).problems,
    ).toEqual(['SECRETS_ENCRYPTION_KEY is required when NODE_ENV=production']);
    const config = loadConfig(PRODUCTION);
    expect(config.auth.jwt).toBeDefined();
    expect(config.secrets.encryptionKey).toEqual(Buffer.alloc(32, 1));
  });

  it('reads SECRETS_ENCRYPTION_KEY as 32 bytes of base64, and never echoes a bad one', () => {
    expect(loadConfig({}).secrets.encryptionKey).toBeUndefined();
    for (const bad of [
      Buffer.alloc(16, 9).toString('base64'),
      Buffer.alloc(33, 9).toString('base64'),
      `${Buffer.alloc(32, 9).toString('base64url')}`,
    ]) {
      const error = configurationError({ SECRETS_ENCRYPTION_KEY: bad });
      expect(error.problems).toEqual([
        'SECRETS_ENCRYPTION_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)',
      ]);
      expect(error.message).not.toContain(bad);
    }
  });

  it('reads the callback settings, with their defaults', () => {
    expect(loadConfig({}).callbacks).toEqual({
      timeoutMs: 10_000,
      maxAttempts: 5,
      retryDelayMs: 1000,
      allowPrivate: false,
    });
    expect(
      loadConfig({
        CALLBACK_TIMEOUT_MS: '2500',
        CALLBACK_MAX_ATTEMPTS: '3',
        CALLBACK_RETRY_DELAY_MS: '20',
        CALLBACKS_ALLOW_PRIVATE: 'true',
      }).callbacks,
    ).toEqual({ timeoutMs: 2500, maxAttempts: 3, retryDelayMs: 20, allowPrivate: true });
    for (const [name, value] of [
      ['CALLBACK_TIMEOUT_MS', '0'],
      ['CALLBACK_MAX_ATTEMPTS', '0'],
      ['CALLBACK_RETRY_DELAY_MS', 'soon'],
      ['CALLBACKS_ALLOW_PRIVATE', 'maybe'],
    ]) {
      expect(configurationError({ [name]: value }).problems).toEqual([
        expect.stringMatching(new RegExp(`^${name} .*\\(got "${value}"\\)$`)),
      ]);
    }
  });

  it('refuses a JWT private key without its public key', () => {
    const error = configurationError({
      JWT_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----',
    });
    expect(error.message).toContain('JWT_PUBLIC_KEY');
  });

  it('reports every bad variable in one message', () => {
    const error = configurationError({
      PORT: 'abc',
      ROLE: 'scheduler',
      MIGRATIONS_RUN: 'maybe',
      JWT_SECRET: 'short',
    });
    expect(error.problems).toHaveLength(4);
    for (const name of ['PORT', 'ROLE', 'MIGRATIONS_RUN', 'JWT_SECRET']) {
      expect(error.message).toContain(name);
    }
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('ends a data session after DATA_SESSION_IDLE_MINUTES of silence, 10 by default', () => {
    expect(loadConfig({}).wireless.dataSessionIdleMs).toBe(600_000);
    expect(loadConfig({ DATA_SESSION_IDLE_MINUTES: '3' }).wireless.dataSessionIdleMs).toBe(180_000);
  });

  it('caps exports below the database pool, and live streams, per process and per tenant', () => {
    expect(loadConfig({}).exports).toEqual({ perProcess: 4, perTenant: 2, idleTimeoutMs: 30_000 });
    expect(loadConfig({}).liveStreams).toEqual({ perProcess: 1000, perTenant: 50 });
    expect(
      loadConfig({
        DATABASE_POOL_SIZE: '20',
        EXPORT_MAX_CONCURRENT: '12',
        EXPORT_MAX_PER_TENANT: '3',
        EXPORT_IDLE_TIMEOUT_SECONDS: '5',
        LIVE_MAX_STREAMS: '200',
        LIVE_MAX_STREAMS_PER_TENANT: '20',
      }),
    ).toMatchObject({
      exports: { perProcess: 12, perTenant: 3, idleTimeoutMs: 5000 },
      liveStreams: { perProcess: 200, perTenant: 20 },
    });
    expect(configurationError({ DATABASE_POOL_SIZE: '4' }).message).toBe(
      'Invalid configuration: EXPORT_MAX_CONCURRENT (4) must be below DATABASE_POOL_SIZE (4): ' +
        'running exports would leave no database connection for the rest',
    );
    // A worker serves no exports.
    expect(loadConfig({ ROLE: 'worker', DATABASE_POOL_SIZE: '3' }).database.poolSize).toBe(3);
    for (const name of [
      'EXPORT_MAX_CONCURRENT',
      'EXPORT_MAX_PER_TENANT',
      'EXPORT_IDLE_TIMEOUT_SECONDS',
      'LIVE_MAX_STREAMS',
      'LIVE_MAX_STREAMS_PER_TENANT',
    ]) {
      expect(configurationError({ [name]: '0' }).problems).toEqual([
        `${name} must not be less than 1 (got "0")`,
      ]);
    }
  });

  it('completes Sim status changes after WIRELESS_STATUS_DELAY_MS, 2 s unless set', () => {
    expect(loadConfig({}).wireless.statusDelayMs).toBe(2000);
    expect(loadConfig({ WIRELESS_STATUS_DELAY_MS: '0' }).wireless.statusDelayMs).toBe(0);
    expect(configurationError({ WIRELESS_STATUS_DELAY_MS: '-1' }).problems).toEqual([
      'WIRELESS_STATUS_DELAY_MS must not be less than 0 (got "-1")',
    ]);
  });

  it("shows the dashboard OpenStreetMap's tiles with their credit, offline after 600 s, unless set", () => {
    expect(loadConfig({}).dashboard).toEqual({
      tileUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
      tileAttribution:
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
      offlineAfterSeconds: 600,
    });
    expect(
      loadConfig({
        DASHBOARD_TILE_URL: 'https://{s}.tiles.example.com/{z}/{x}/{y}{r}.png?key=abc',
        DASHBOARD_TILE_ATTRIBUTION: '&copy; Example',
        DASHBOARD_OFFLINE_AFTER_SECONDS: '120',
      }).dashboard,
    ).toEqual({
      tileUrl: 'https://{s}.tiles.example.com/{z}/{x}/{y}{r}.png?key=abc',
      tileAttribution: '&copy; Example',
      offlineAfterSeconds: 120,
    });
    expect(configurationError({ DASHBOARD_OFFLINE_AFTER_SECONDS: '0' }).problems).toEqual([
      'DASHBOARD_OFFLINE_AFTER_SECONDS must not be less than 1 (got "0")',
    ]);
  });

  it("credits OpenStreetMap by default only for OpenStreetMap's tiles; empty: no tiles", () => {
    const own = 'http://tiles.internal:8080/{z}/{x}/{-y}.png';
    expect(loadConfig({ DASHBOARD_TILE_URL: own }).dashboard.tileAttribution).toBe('');
    expect(loadConfig({ DASHBOARD_TILE_URL: '' }).dashboard).toEqual({
      tileUrl: null,
      tileAttribution: '',
      offlineAfterSeconds: 600,
    });
    // Unset and empty are the same: OpenStreetMap's tiles keep the credit their policy requires.
    expect(loadConfig({ DASHBOARD_TILE_ATTRIBUTION: '' }).dashboard.tileAttribution).toContain(
      'OpenStreetMap',
    );
  });

  it.each([
    [
      'ftp://tiles.example.com/{z}/{x}/{y}.png',
      'must be empty or an http:// or https:// URL template',
    ],
    ['tiles.example.com/{z}/{x}/{y}.png', 'must be empty or an http:// or https:// URL template'],
    ['https://tiles.example.com/{z}/{x}.png', 'must hold {z}, {x} and {y} (or {-y})'],
    ['https://tiles.example.com/tile.png', 'must hold {z}, {x} and {y} (or {-y})'],
    [
      'https://tiles.example.com/{z}/{x}/{y}.png?key={apikey}',
      'holds {apikey}: only {s}, {z}, {x}, {y}, {-y} and {r} are filled',
    ],
    [
      'https://a.{s}.example.com/{z}/{x}/{y}.png',
      'must name its host plainly, {s} allowed only in its first label',
    ],
    [
      'https://{z}.example.com/{z}/{x}/{y}.png',
      'must name its host plainly, {s} allowed only in its first label',
    ],
    [
      'https://tiles.example.com;script-src/{z}/{x}/{y}.png',
      'must name its host plainly, {s} allowed only in its first label',
    ],
    ['https://user:pw@tiles.example.com/{z}/{x}/{y}.png', 'must not hold credentials'],
    ['https://tiles.example.com:99999/{z}/{x}/{y}.png', 'is not a valid URL'],
  ])('refuses DASHBOARD_TILE_URL=%s at start: %s', (url, problem) => {
    expect(configurationError({ DASHBOARD_TILE_URL: url }).problems).toEqual([
      `DASHBOARD_TILE_URL ${problem} (got "${url}")`,
    ]);
  });

  it('chooses the Commands transport: MQTT, or an HTTP gateway with its secret, never both', () => {
    const secret = 's'.repeat(32);
    expect(loadConfig({}).commands.transport).toBeUndefined();
    expect(
      loadConfig({ COMMANDS_MQTT_URL: 'mqtt://broker:1883', QUEUE_PREFIX: 'fleet-a' }).commands,
    ).toEqual({ transport: { kind: 'mqtt', url: 'mqtt://broker:1883', shareGroup: 'fleet-a' } });
    expect(
      loadConfig({
        COMMANDS_HTTP_GATEWAY_URL: 'https://gateway.example/commands',
        COMMANDS_HTTP_GATEWAY_SECRET: secret,
      }).commands,
    ).toEqual({
      transport: { kind: 'http-gateway', url: 'https://gateway.example/commands', secret },
    });
    expect(
      configurationError({ COMMANDS_HTTP_GATEWAY_URL: 'https://gateway.example/commands' })
        .problems,
    ).toEqual(['COMMANDS_HTTP_GATEWAY_URL needs COMMANDS_HTTP_GATEWAY_SECRET']);
    expect(
      configurationError({
        COMMANDS_MQTT_URL: 'mqtt://broker:1883',
        COMMANDS_HTTP_GATEWAY_URL: 'https://gateway.example/commands',
        COMMANDS_HTTP_GATEWAY_SECRET: secret,
      }).problems,
    ).toEqual([
      'COMMANDS_MQTT_URL and COMMANDS_HTTP_GATEWAY_URL are both set: Commands go through one transport',
    ]);
    // The broker URL may carry a password, and the secret is one: neither is echoed.
    expect(
      configurationError({
        COMMANDS_MQTT_URL: 'http://user:pw@broker',
        COMMANDS_HTTP_GATEWAY_SECRET: 'short',
      }).problems,
    ).toEqual([
      'COMMANDS_MQTT_URL must be an mqtt://, mqtts://, ws:// or wss:// URL',
      'COMMANDS_HTTP_GATEWAY_SECRET must be at least 32 characters',
    ]);
  });
});

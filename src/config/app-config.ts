import {
  ConfigurationError,
  DEFAULT_TILE_URL,
  EnvironmentVariables,
  OSM_ATTRIBUTION,
  validateEnvironment,
} from './environment';

export type Role = EnvironmentVariables['ROLE'];
export type LogFormat = NonNullable<EnvironmentVariables['LOG_FORMAT']>;

export type JwtKeys =
  | { algorithm: 'HS256'; secret: string }
  | { algorithm: 'RS256'; publicKey: string; privateKey?: string };

/** The device times FleetHub accepts, around the server's clock when a reading arrives. */
export interface DeviceTimeWindow {
  /** How far ahead of the server's clock (device clock skew). */
  maxFutureMs: number;
  /** How far behind it; undefined: no limit but the Unix epoch. */
  maxAgeMs?: number;
}

export interface TokenBucketLimits {
  capacity: number;
  refillPerSecond: number;
}

/** How many of a kind (exports, live streams) may be open at once in a process: in all, and for one tenant. */
export interface ConcurrencyLimits {
  perProcess: number;
  perTenant: number;
}

/**
 * How Wireless Commands reach the SIMs: an MQTT broker, or an HTTP gateway that signs what it
 * exchanges with FleetHub. At most one is configured.
 */
export type CommandTransportSettings =
  | {
      kind: 'mqtt';
      url: string;
      /**
       * The shared subscription group of the device-originated topic: the processes of one
       * installation (one QUEUE_PREFIX) share its messages, each handled by one of them.
       */
      shareGroup: string;
    }
  | { kind: 'http-gateway'; url: string; secret: string };

/** What the dashboard page is told (the front end's `DashboardConfig`). */
export interface DashboardSettings {
  /** Leaflet tile URL template; null: no tiles, the map is a plain background. */
  tileUrl: string | null;
  /** HTML credit shown on the map for the tiles. */
  tileAttribution: string;
  /** A device silent for longer than this is shown offline. */
  offlineAfterSeconds: number;
}

/** The typed configuration every other module reads; built once, from the environment, at boot. */
export interface AppConfig {
  env: EnvironmentVariables['NODE_ENV'];
  role: Role;
  http: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    bodyTimeoutMs: number;
    /** Express's `trust proxy` setting (see TRUST_PROXY). */
    trustProxy: boolean | number | string;
    /** ROLE=worker: where it serves `GET /metrics`; undefined: nowhere. */
    workerMetricsPort?: number;
  };
  dataDir: string;
  database: {
    /** Absent on the embedded default until the embedded server has started. */
    url?: string;
    poolSize: number;
    migrationsRun: boolean;
    embeddedPort: number;
  };
  redis: { url?: string };
  queue: {
    prefix: string;
    workerConcurrency: number;
    writers: number;
    /** How long a worker's hold on a job lasts unless renewed; also how often abandoned jobs are looked for. */
    lockMs: number;
  };
  auth: {
    /** Absent on the embedded default until a local secret has been generated. */
    jwt?: JwtKeys;
    jwtTtlSeconds: number;
    credentialCacheTtlMs: number;
  };
  log: {
    level: EnvironmentVariables['LOG_LEVEL'];
    /** LOG_FORMAT; undefined: pretty when stdout is a terminal in development, else JSON. */
    format?: LogFormat;
  };
  lifecycle: {
    /** Server-wide retention of tenants without their own; undefined: forever. */
    retentionDays?: number;
    partitionMonthsAhead: number;
    /** Months before the current one that have their partition; older months stay in the default one. */
    partitionMonthsBehind: number;
    /** 0: the job never runs on its own. */
    intervalMs: number;
  };
  telemetry: { maxPoints: number };
  deviceTime: DeviceTimeWindow;
  northbound: { basePath: string };
  live: { heartbeatMs: number };
  /** When `/health/ready` reports the queue backlog as a failure; 0 turns a limit off. */
  readiness: { maxQueueWaiting: number; maxQueueAgeSeconds: number };
  rateLimit: {
    telemetryEnabled: boolean;
    /** Telemetry token buckets: per user, and per IMEI (defaults; tenants may override them). */
    global: TokenBucketLimits;
    imei: TokenBucketLimits;
    /** The plain request limit of the other `/apidev/v1` routes, per tenant. */
    apiPerMinute: number;
    /** Failed authentications allowed per client address and minute. */
    authFailuresPerMinute: number;
    tenantCacheTtlMs: number;
  };
  /** Position exports: each holds a database connection while it runs. */
  exports: ConcurrencyLimits & {
    /** How long a client may leave the next part of the file untaken before the export is cut. */
    idleTimeoutMs: number;
  };
  liveStreams: ConcurrencyLimits;
  microvisor: {
    /** The largest app bundle an upload may carry. */
    bundleMaxBytes: number;
  };
  /** Undefined: no transport, Commands stay `queued`. */
  commands: { transport?: CommandTransportSettings };
  secrets: {
    /** AES-256 key sealing stored secrets; absent on the embedded default until one is generated. */
    encryptionKey?: Buffer;
  };
  /** Outbound callbacks of the Twilio-compatible APIs. */
  callbacks: {
    timeoutMs: number;
    maxAttempts: number;
    retryDelayMs: number;
    /** Whether callbacks may go to loopback, private and other non-public addresses. */
    allowPrivate: boolean;
  };
  /** The Twilio-compatible Programmable Wireless API. */
  wireless: {
    /** Silence after which a Sim's data session ends. */
    dataSessionIdleMs: number;
    /** How long after the request a Sim's status change completes. */
    statusDelayMs: number;
  };
  dashboard: DashboardSettings;
}

/** The configuration once every value the process needs is known (see `resolveLocalDefaults`). */
export type ResolvedAppConfig = AppConfig & {
  database: AppConfig['database'] & { url: string };
  auth: AppConfig['auth'] & { jwt: JwtKeys };
  secrets: { encryptionKey: Buffer };
};

export const APP_CONFIG = Symbol('APP_CONFIG');

function jwtKeys(env: EnvironmentVariables): JwtKeys | undefined {
  if (env.JWT_PUBLIC_KEY) {
    return { algorithm: 'RS256', publicKey: env.JWT_PUBLIC_KEY, privateKey: env.JWT_PRIVATE_KEY };
  }
  return env.JWT_SECRET ? { algorithm: 'HS256', secret: env.JWT_SECRET } : undefined;
}

/**
 * HOST, or else: the embedded default prints demo credentials, so outside production FleetHub
 * serves only this machine unless told otherwise; in production (containers) every interface.
 */
function listenHost(env: EnvironmentVariables): string {
  return env.HOST ?? (env.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1');
}

/** TRUST_PROXY as Express reads it: a boolean, a hop count, or a list of addresses. */
function trustProxy(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

function deviceTimeWindow(env: EnvironmentVariables): DeviceTimeWindow {
  return {
    maxFutureMs: env.DEVICE_TIME_MAX_FUTURE_SECONDS * 1000,
    maxAgeMs:
      env.DEVICE_TIME_MAX_AGE_DAYS === undefined
        ? undefined
        : env.DEVICE_TIME_MAX_AGE_DAYS * 86_400_000,
  };
}

function commandTransport(env: EnvironmentVariables): CommandTransportSettings | undefined {
  const { COMMANDS_MQTT_URL: mqttUrl, COMMANDS_HTTP_GATEWAY_URL: gatewayUrl } = env;
  if (mqttUrl && gatewayUrl) {
    throw new ConfigurationError([
      'COMMANDS_MQTT_URL and COMMANDS_HTTP_GATEWAY_URL are both set: Commands go through one transport',
    ]);
  }
  if (mqttUrl) return { kind: 'mqtt', url: mqttUrl, shareGroup: env.QUEUE_PREFIX };
  if (!gatewayUrl) return undefined;
  if (!env.COMMANDS_HTTP_GATEWAY_SECRET) {
    throw new ConfigurationError(['COMMANDS_HTTP_GATEWAY_URL needs COMMANDS_HTTP_GATEWAY_SECRET']);
  }
  return { kind: 'http-gateway', url: gatewayUrl, secret: env.COMMANDS_HTTP_GATEWAY_SECRET };
}

/** The placeholders Leaflet fills in a tile URL without options of the layer's own. */
const TILE_PLACEHOLDERS = new Set(['{s}', '{z}', '{x}', '{y}', '{-y}', '{r}']);

/**
 * The host of a tile URL: names, or an IPv6 address, and a port. The page's Content-Security-Policy
 * allows images from it, so `{s}` (Leaflet's subdomains) may only be in its first label, which a
 * `*.` wildcard can stand for.
 */
const TILE_HOST =
  /^(?:(?:[a-z0-9-]*\{s\}[a-z0-9-]*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d+)?$/;

/** Why Leaflet cannot draw the map from this tile URL, or undefined when it can. */
function tileUrlProblem(template: string): string | undefined {
  let url: URL;
  try {
    url = new URL(template);
  } catch {
    return 'is not a valid URL';
  }
  if (url.username || url.password) return 'must not hold credentials';
  const placeholders: string[] = template.match(/\{[^}]*\}/g) ?? [];
  const unknown = placeholders.find((placeholder) => !TILE_PLACEHOLDERS.has(placeholder));
  if (unknown) return `holds ${unknown}: only {s}, {z}, {x}, {y}, {-y} and {r} are filled`;
  const has = (placeholder: string) => placeholders.includes(placeholder);
  if (!has('{z}') || !has('{x}') || !(has('{y}') || has('{-y}'))) {
    return 'must hold {z}, {x} and {y} (or {-y})';
  }
  if (!TILE_HOST.test(url.host)) {
    return 'must name its host plainly, {s} allowed only in its first label';
  }
  return undefined;
}

function dashboardSettings(env: EnvironmentVariables): DashboardSettings {
  const template = env.DASHBOARD_TILE_URL;
  const problem = template === '' ? undefined : tileUrlProblem(template);
  if (problem) throw new ConfigurationError([`DASHBOARD_TILE_URL ${problem} (got "${template}")`]);
  return {
    tileUrl: template === '' ? null : template,
    // OpenStreetMap's tile policy requires its credit; another provider's is the operator's to set.
    tileAttribution:
      env.DASHBOARD_TILE_ATTRIBUTION ?? (template === DEFAULT_TILE_URL ? OSM_ATTRIBUTION : ''),
    offlineAfterSeconds: env.DASHBOARD_OFFLINE_AFTER_SECONDS,
  };
}

/** The device-time window of the default configuration: the contract the request DTOs document. */
export const DEFAULT_DEVICE_TIME_WINDOW = deviceTimeWindow(new EnvironmentVariables());

export function loadConfig(processEnv: NodeJS.ProcessEnv = process.env): AppConfig {
  const env = validateEnvironment(processEnv);
  const jwt = jwtKeys(env);
  if (env.NODE_ENV === 'production') {
    const missing: string[] = [];
    if (!jwt) missing.push('JWT_SECRET (or JWT_PUBLIC_KEY) is required when NODE_ENV=production');
    if (!env.SECRETS_ENCRYPTION_KEY) {
      missing.push('SECRETS_ENCRYPTION_KEY is required when NODE_ENV=production');
    }
    if (missing.length > 0) throw new ConfigurationError(missing);
  }
  if (env.JWT_PRIVATE_KEY && !env.JWT_PUBLIC_KEY) {
    throw new ConfigurationError(['JWT_PRIVATE_KEY needs JWT_PUBLIC_KEY beside it']);
  }
  // A worker serves no exports: its pool may be sized for its writers alone.
  if (env.ROLE !== 'worker' && env.EXPORT_MAX_CONCURRENT >= env.DATABASE_POOL_SIZE) {
    throw new ConfigurationError([
      `EXPORT_MAX_CONCURRENT (${env.EXPORT_MAX_CONCURRENT}) must be below DATABASE_POOL_SIZE ` +
        `(${env.DATABASE_POOL_SIZE}): running exports would leave no database connection for the rest`,
    ]);
  }
  return {
    env: env.NODE_ENV,
    role: env.ROLE,
    http: {
      host: listenHost(env),
      port: env.PORT,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      bodyTimeoutMs: env.BODY_TIMEOUT_SECONDS * 1000,
      trustProxy: trustProxy(env.TRUST_PROXY),
      workerMetricsPort: env.WORKER_METRICS_PORT,
    },
    dataDir: env.DATA_DIR,
    database: {
      url: env.DATABASE_URL,
      poolSize: env.DATABASE_POOL_SIZE,
      migrationsRun: env.MIGRATIONS_RUN,
      embeddedPort: env.EMBEDDED_POSTGRES_PORT,
    },
    redis: { url: env.REDIS_URL },
    queue: {
      prefix: env.QUEUE_PREFIX,
      workerConcurrency: env.WORKER_CONCURRENCY,
      writers: env.WORKER_WRITERS,
      lockMs: env.WORKER_LOCK_MS,
    },
    auth: { jwt, jwtTtlSeconds: env.JWT_TTL, credentialCacheTtlMs: env.AUTH_CACHE_TTL * 1000 },
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT },
    lifecycle: {
      retentionDays: env.RETENTION_DAYS,
      partitionMonthsAhead: env.PARTITION_MONTHS_AHEAD,
      partitionMonthsBehind: env.PARTITION_MONTHS_BEHIND,
      intervalMs: env.LIFECYCLE_INTERVAL_MINUTES * 60_000,
    },
    telemetry: { maxPoints: env.TELEMETRY_MAX_POINTS },
    deviceTime: deviceTimeWindow(env),
    northbound: { basePath: env.NORTHBOUND_BASE_PATH },
    live: { heartbeatMs: env.LIVE_HEARTBEAT_SECONDS * 1000 },
    readiness: {
      maxQueueWaiting: env.READY_MAX_QUEUE_WAITING,
      maxQueueAgeSeconds: env.READY_MAX_QUEUE_AGE_SECONDS,
    },
    rateLimit: {
      telemetryEnabled: env.RATE_LIMIT_TELEMETRY_ENABLED,
      global: {
        capacity: env.RATE_LIMIT_GLOBAL_CAPACITY,
        refillPerSecond: env.RATE_LIMIT_GLOBAL_REFILL,
      },
      imei: { capacity: env.RATE_LIMIT_IMEI_CAPACITY, refillPerSecond: env.RATE_LIMIT_IMEI_REFILL },
      apiPerMinute: env.RATE_LIMIT_API_PER_MINUTE,
      authFailuresPerMinute: env.RATE_LIMIT_AUTH_FAILURES_PER_MINUTE,
      tenantCacheTtlMs: env.RATE_LIMIT_TENANT_CACHE_TTL * 1000,
    },
    exports: {
      perProcess: env.EXPORT_MAX_CONCURRENT,
      perTenant: env.EXPORT_MAX_PER_TENANT,
      idleTimeoutMs: env.EXPORT_IDLE_TIMEOUT_SECONDS * 1000,
    },
    liveStreams: { perProcess: env.LIVE_MAX_STREAMS, perTenant: env.LIVE_MAX_STREAMS_PER_TENANT },
    microvisor: { bundleMaxBytes: env.APP_BUNDLE_MAX_BYTES },
    commands: { transport: commandTransport(env) },
    secrets: {
      encryptionKey: env.SECRETS_ENCRYPTION_KEY
        ? Buffer.from(env.SECRETS_ENCRYPTION_KEY, 'base64')
        : undefined,
    },
    callbacks: {
      timeoutMs: env.CALLBACK_TIMEOUT_MS,
      maxAttempts: env.CALLBACK_MAX_ATTEMPTS,
      retryDelayMs: env.CALLBACK_RETRY_DELAY_MS,
      allowPrivate: env.CALLBACKS_ALLOW_PRIVATE,
    },
    wireless: {
      dataSessionIdleMs: env.DATA_SESSION_IDLE_MINUTES * 60_000,
      statusDelayMs: env.WIRELESS_STATUS_DELAY_MS,
    },
    dashboard: dashboardSettings(env),
  };
}

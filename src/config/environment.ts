import { Transform, plainToInstance } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

export const ROLES = ['api', 'worker', 'all'] as const;
export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_FORMATS = ['json', 'pretty'] as const;
/** OpenStreetMap's standard tiles, the dashboard's default map, and the credit their use requires. */
export const DEFAULT_TILE_URL = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
export const OSM_ATTRIBUTION =
  '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalized)) return true;
  if (['false', '0', 'no', 'off'].includes(normalized)) return false;
  return value;
};

const toInteger = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/**
 * Every environment variable FleetHub reads, with its rules and default.
 * `.env.example` lists the same variables; keep the two in step.
 */
export class EnvironmentVariables {
  @IsIn(NODE_ENVS)
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @IsIn(ROLES)
  ROLE: (typeof ROLES)[number] = 'all';

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** Where HTTP listens; unset: 127.0.0.1, or 0.0.0.0 with NODE_ENV=production (see loadConfig). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  HOST?: string;

  /**
   * Which proxies in front are trusted to name the client (`X-Forwarded-For`): Express's
   * `trust proxy` values — `false`, `true`, a hop count, or addresses/subnets separated by commas
   * (`loopback`, `10.0.0.0/8`). The client address keys the limit on failed authentication.
   */
  @Matches(/^(false|true|\d{1,2}|[A-Za-z0-9.:/_, -]+)$/, {
    message: 'must be false, true, a hop count, or addresses/subnets separated by commas',
  })
  TRUST_PROXY = 'false';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// URL' })
  DATABASE_URL?: string;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(500)
  DATABASE_POOL_SIZE = 10;

  @Transform(toBoolean)
  @IsBoolean()
  MIGRATIONS_RUN = true;

  @IsString()
  @MinLength(1)
  DATA_DIR = './.data';

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_POSTGRES_PORT = 54329;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  JWT_SECRET?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/-----BEGIN PUBLIC KEY-----/, { message: 'must be a PEM public key' })
  JWT_PUBLIC_KEY?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/-----BEGIN (RSA )?PRIVATE KEY-----/, { message: 'must be a PEM private key' })
  JWT_PRIVATE_KEY?: string;

  @Transform(toInteger)
  @IsInt()
  @Min(60)
  @Max(7 * 24 * 3600)
  JWT_TTL = 3600;

  /**
   * Key (32 bytes, base64) that seals the secrets FleetHub must read back: the tenants' auth
   * tokens that sign outbound callbacks, the values of Microvisor Secrets. Unset outside
   * production: generated (in the data directory, or the database when DATABASE_URL is set).
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, {
    message: 'must be 32 bytes, base64-encoded (openssl rand -base64 32)',
  })
  SECRETS_ENCRYPTION_KEY?: string;

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(3600)
  AUTH_CACHE_TTL = 30;

  /** Redis key prefix of the job queues: several FleetHub installations can share one Redis. */
  @Matches(/^[A-Za-z0-9:_-]{1,64}$/, { message: 'must be 1-64 letters, digits, ":", "_" or "-"' })
  QUEUE_PREFIX = 'fleethub';

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(256)
  WORKER_CONCURRENCY = 32;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(32)
  WORKER_WRITERS = 2;

  /**
   * Milliseconds a worker's hold on a job lasts unless renewed (it renews at half of it). A worker
   * that dies holding jobs releases them when their locks expire: a shorter lock recovers them
   * sooner, but a worker whose event loop stalls longer than it loses its jobs to another.
   */
  @Transform(toInteger)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  WORKER_LOCK_MS = 30_000;

  /** Days positions, events and tracker messages are kept, for tenants without their own; unset: forever. */
  @Transform(emptyToUndefined)
  @Transform(toInteger)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(36_500)
  RETENTION_DAYS?: number;

  /** Months after the current one that always have their positions partition. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(24)
  PARTITION_MONTHS_AHEAD = 3;

  /**
   * Months before the current one that always have their positions partition. Rows of a month
   * outside this calendar window stay in the default partition: device times never create one.
   */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(12)
  PARTITION_MONTHS_BEHIND = 1;

  /** Minutes between two runs of the data-lifecycle job (partitions, retention); 0: never. */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(10_080)
  LIFECYCLE_INTERVAL_MINUTES = 60;

  /** A worker's port for `GET /metrics` (workers serve no other HTTP); unset: none. */
  @Transform(emptyToUndefined)
  @Transform(toInteger)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  WORKER_METRICS_PORT?: number;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** json | pretty; unset: pretty on a terminal in development, JSON otherwise (see logging.ts). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(LOG_FORMATS)
  LOG_FORMAT?: (typeof LOG_FORMATS)[number];

  @Transform(toInteger)
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  /** Seconds a request body may take to arrive once its headers are read (slower: 408). */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(300)
  BODY_TIMEOUT_SECONDS = 10;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(10000)
  TELEMETRY_MAX_POINTS = 1000;

  /** The largest Microvisor app bundle an upload may carry (larger: 413). */
  @Transform(toInteger)
  @IsInt()
  @Min(1024)
  @Max(256 * 1024 * 1024)
  APP_BUNDLE_MAX_BYTES = 16 * 1024 * 1024;

  /** Seconds a device time may lie ahead of the server's clock (device clock skew). */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(86_400)
  DEVICE_TIME_MAX_FUTURE_SECONDS = 600;

  /** Days a device time may lie behind the server's clock; unset: any time from 1970 on. */
  @Transform(emptyToUndefined)
  @Transform(toInteger)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(36_500)
  DEVICE_TIME_MAX_AGE_DAYS?: number;

  /** Path the Asset Trackers' `/data` is mounted under (their CLOUD_REST_API_URL's path); empty: `/data`. */
  @Matches(/^(\/[A-Za-z0-9._~-]+)*$/, {
    message: 'must be empty or a path like /northbound (no trailing slash)',
  })
  NORTHBOUND_BASE_PATH = '';

  /** false: no telemetry token buckets at all (a gateway in front already limits devices). */
  @Transform(toBoolean)
  @IsBoolean()
  RATE_LIMIT_TELEMETRY_ENABLED = true;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  RATE_LIMIT_GLOBAL_CAPACITY = 180;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  RATE_LIMIT_GLOBAL_REFILL = 30;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  RATE_LIMIT_IMEI_CAPACITY = 90;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  RATE_LIMIT_IMEI_REFILL = 15;

  /** Requests per minute per tenant on the `/apidev/v1` routes without token buckets. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  RATE_LIMIT_API_PER_MINUTE = 1200;

  /**
   * Failed authentications (missing or wrong credentials) per minute per client address on
   * `/apidev/v1`; past it the address is refused (429) until its allowance refills.
   */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  RATE_LIMIT_AUTH_FAILURES_PER_MINUTE = 120;

  /** Seconds a tenant's rate-limit overrides stay cached in each process (0: read every time). */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(3600)
  RATE_LIMIT_TENANT_CACHE_TTL = 5;

  /** Seconds between heartbeats on the devices live stream (under the proxies' idle timeouts). */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(300)
  LIVE_HEARTBEAT_SECONDS = 15;

  /**
   * Waiting jobs in a queue beyond which `/health/ready` answers 503, so that a load balancer
   * sheds load while storage catches up; 0: never.
   */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  READY_MAX_QUEUE_WAITING = 10_000;

  /** Seconds the oldest waiting job of a queue may have waited before `/health/ready` answers 503; 0: never. */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(86_400)
  READY_MAX_QUEUE_AGE_SECONDS = 0;

  /**
   * Position exports (csv, gpx, geojson) running at once in a process: each holds a database
   * connection for as long as its client takes to read the file, so it must stay below
   * DATABASE_POOL_SIZE (checked by `loadConfig`).
   */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(499)
  EXPORT_MAX_CONCURRENT = 4;

  /** Of those, how many one tenant may run at once (counted per process). */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(499)
  EXPORT_MAX_PER_TENANT = 2;

  /** Seconds an export waits for its client to take more of the file before cutting it. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(3600)
  EXPORT_IDLE_TIMEOUT_SECONDS = 30;

  /** Live streams open at once in a process, and for one tenant (counted per process). */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  LIVE_MAX_STREAMS = 1000;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  LIVE_MAX_STREAMS_PER_TENANT = 50;

  /**
   * The MQTT broker Wireless Commands go through (`mqtt://`, `mqtts://`, `ws://`, `wss://`):
   * published to `sims/<iccid>/commands`, device-originated ones read from
   * `sims/<iccid>/commands/from`. Unset: no MQTT transport.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^(mqtts?|wss?):\/\/\S+$/, {
    message: 'must be an mqtt://, mqtts://, ws:// or wss:// URL',
  })
  COMMANDS_MQTT_URL?: string;

  /** The HTTP gateway Wireless Commands are POSTed to, signed; unset: no HTTP gateway transport. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http:// or https:// URL' })
  COMMANDS_HTTP_GATEWAY_URL?: string;

  /** The HMAC-SHA256 key of the HTTP gateway's requests, both ways (required with its URL). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  COMMANDS_HTTP_GATEWAY_SECRET?: string;
  /** Milliseconds an outbound callback may take, connecting included, before it counts as failed. */
  @Transform(toInteger)
  @IsInt()
  @Min(100)
  @Max(120_000)
  CALLBACK_TIMEOUT_MS = 10_000;

  /** Attempts at delivering a callback (the first included) before it is given up. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(20)
  CALLBACK_MAX_ATTEMPTS = 5;

  /** Base of the exponential backoff between attempts: the n-th retry waits (2^n - 1) times it. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  CALLBACK_RETRY_DELAY_MS = 1000;

  /**
   * true: callbacks may go to loopback, private, link-local and other non-public addresses
   * (development and tests). false: such a callback is refused, after DNS resolution.
   */
  @Transform(toBoolean)
  @IsBoolean()
  CALLBACKS_ALLOW_PRIVATE = false;

  /**
   * Minutes without traffic after which a Sim's data session ends: its device's next request opens
   * a new one.
   */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1440)
  DATA_SESSION_IDLE_MINUTES = 10;

  /**
   * Milliseconds a Sim's status change takes: the Sim answers `updating` (202) and a job moves it
   * to its new status this long after the request, then calls the request's CallbackUrl.
   */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  WIRELESS_STATUS_DELAY_MS = 2000;

  /**
   * The dashboard's map tiles: a URL template with `{z}`, `{x}` and `{y}` (optionally `{s}`,
   * `{r}`, `{-y}`), as Leaflet reads it; empty: no tiles, a plain background. Checked in full by
   * `loadConfig`.
   */
  @Matches(/^(https?:\/\/\S+)?$/, {
    message: 'must be empty or an http:// or https:// URL template',
  })
  DASHBOARD_TILE_URL = DEFAULT_TILE_URL;

  /** HTML credit shown on the map for its tiles; unset: OpenStreetMap's with the default tiles. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  DASHBOARD_TILE_ATTRIBUTION?: string;

  /** Seconds of silence after which the dashboard shows a device as offline. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(31_536_000)
  DASHBOARD_OFFLINE_AFTER_SECONDS = 600;
}

/** Thrown when the environment cannot be turned into a configuration. One line per bad variable. */
export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigurationError';
  }
}

const SECRET_VARIABLES = new Set([
  'DATABASE_URL',
  'REDIS_URL',
  'JWT_SECRET',
  'JWT_PRIVATE_KEY',
  'COMMANDS_MQTT_URL',
  'COMMANDS_HTTP_GATEWAY_SECRET',
  'SECRETS_ENCRYPTION_KEY',
]);

export function validateEnvironment(env: NodeJS.ProcessEnv): EnvironmentVariables {
  // whitelist drops every variable that is not FleetHub's, so the rest of the environment is ignored.
  const parsed = plainToInstance(EnvironmentVariables, env);
  const problems = validateSync(parsed, { whitelist: true }).map((error) => {
    const shown = SECRET_VARIABLES.has(error.property)
      ? ''
      : ` (got "${String(env[error.property])}")`;
    const rules = Object.values(error.constraints ?? {}).map((rule) =>
      rule.replace(`${error.property} `, ''),
    );
    return `${error.property} ${rules.join(', ')}${shown}`;
  });
  if (problems.length > 0) throw new ConfigurationError(problems);
  return parsed;
}

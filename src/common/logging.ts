import type { LogLevel } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config';
import { requestId } from './http/request-id';

const QUIET_PATHS = ['/health', '/metrics'];

/**
 * Error fields that carry SQL or the values bound into it: TypeORM's QueryFailedError holds the
 * statement, its parameters and the driver's error, and copies the driver's fields onto itself
 * (a constraint violation's `detail` quotes the values). No log line holds them, at any level:
 * the message, the SQLSTATE `code` and the stack say what failed and where.
 */
const QUERY_FIELDS = new Set([
  'query',
  'parameters',
  'driverError',
  'detail',
  'where',
  'internalQuery',
]);

/**
 * pino's serialized error without `QUERY_FIELDS` (pino-http applies the standard serializer
 * first; what was no error, e.g. a string under `err`, passes as it is).
 */
export function withoutQueryFields(error: unknown): unknown {
  if (typeof error !== 'object' || error === null || Array.isArray(error)) return error;
  const kept: Record<string, unknown> = Object.fromEntries(
    Object.entries(error).filter(([field]) => !QUERY_FIELDS.has(field)),
  );
  if (Array.isArray(kept.aggregateErrors)) {
    kept.aggregateErrors = kept.aggregateErrors.map(withoutQueryFields);
  }
  return kept;
}

/** Structured JSON logs with the request id on every line, credentials redacted. */
export function loggerParams(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.log.level,
      genReqId: requestId,
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'],
        censor: '[redacted]',
      },
      autoLogging: {
        ignore: (request) => QUIET_PATHS.some((path) => request.url?.startsWith(path)),
      },
      customLogLevel: (_request, response, error) =>
        error || response.statusCode >= 500
          ? 'error'
          : response.statusCode >= 400
            ? 'warn'
            : 'info',
      serializers: {
        req: (request: { id: unknown; method: string; url: string }) => ({
          id: request.id,
          method: request.method,
          url: request.url,
        }),
        res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
        err: withoutQueryFields,
      },
    },
  };
}

const NEST_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const NEST_LEVEL_OF: Record<AppConfig['log']['level'], number> = {
  silent: -1,
  fatal: 0,
  error: 1,
  warn: 2,
  info: 3,
  debug: 4,
  trace: 5,
};

/** Nest's own log levels for LOG_LEVEL, for the lines written before the pino logger takes over. */
export function nestLogLevels(level: AppConfig['log']['level']): LogLevel[] {
  return NEST_LEVELS.slice(0, NEST_LEVEL_OF[level] + 1);
}

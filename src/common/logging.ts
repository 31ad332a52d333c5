import type { LoggerService } from '@nestjs/common';
import { Logger, PinoLogger, type Params } from 'nestjs-pino';
import type { Options } from 'pino-http';
import pinoPretty from 'pino-pretty';
import type { AppConfig, LogFormat } from '../config/app-config';
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

/**
 * LOG_FORMAT when set; otherwise pretty lines for a person at a terminal in development, and JSON
 * lines, one object each, wherever a machine reads them (a pipe, a file, a log collector).
 */
export function logFormat(config: AppConfig, stdoutIsTTY: boolean): LogFormat {
  return config.log.format ?? (config.env === 'development' && stdoutIsTTY ? 'pretty' : 'json');
}

/** pino-pretty's reading of the same lines: context before the message, no pid or hostname. */
const prettyStdout = () =>
  pinoPretty({
    colorize: true,
    sync: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,context',
    messageFormat: '{if context}[{context}] {end}{msg}',
  });

/** Structured logs with the request id on every line, credentials redacted. */
export function loggerParams(
  config: AppConfig,
  stdoutIsTTY = Boolean(process.stdout.isTTY),
): Params {
  const options: Options = {
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
      error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
    serializers: {
      req: (request: { id: unknown; method: string; url: string }) => ({
        id: request.id,
        method: request.method,
        url: request.url,
      }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
      err: withoutQueryFields,
    },
  };
  return {
    pinoHttp: logFormat(config, stdoutIsTTY) === 'pretty' ? [options, prettyStdout()] : options,
  };
}

/**
 * The application's logger before the Nest application exists (the embedded PostgreSQL,
 * migrations, Nest's own start-up lines): the same pino logger, so a start reads as one log.
 */
export function startupLogger(config: AppConfig): LoggerService {
  const params = loggerParams(config);
  return new Logger(new PinoLogger(params), params);
}

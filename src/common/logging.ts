import type { LoggerService } from '@nestjs/common';
import type { Request, RequestHandler, Response } from 'express';
import { Logger, PinoLogger, type Params } from 'nestjs-pino';
import { pino, stdSerializers, type Level, type LoggerOptions } from 'pino';
import pinoPretty from 'pino-pretty';
import type { AppConfig, LogFormat } from '../config/app-config';

/** Paths whose answers get no line (errors of their response stream aside). */
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
 * pino's serialized error without `QUERY_FIELDS` (the `err` serializer applies the standard one
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

/**
 * Structured logs with the request id on every line, credentials redacted. The request's own
 * logger comes from `requestLogging`: nestjs-pino only binds it to the request's context
 * (`useExisting`), so that what is logged while serving a request carries the request.
 */
export function loggerParams(
  config: AppConfig,
  stdoutIsTTY = Boolean(process.stdout.isTTY),
): Params {
  const options: LoggerOptions = {
    level: config.log.level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'],
      censor: '[redacted]',
    },
    serializers: {
      // A request is named by its id, method and URL; its headers are never written.
      req: (request: Request) => ({
        id: request.id,
        method: request.method,
        url: request.originalUrl ?? request.url,
      }),
      // An answer cut off before its headers went out has no status yet.
      res: (response: Response) => ({
        statusCode: response.headersSent ? response.statusCode : null,
      }),
      err: (error: Error) => withoutQueryFields(stdSerializers.err(error)),
    },
  };
  return {
    pinoHttp: logFormat(config, stdoutIsTTY) === 'pretty' ? [options, prettyStdout()] : options,
    useExisting: true,
  };
}

const requestLineLevel = (response: Response, error?: Error): Level =>
  error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info';

/**
 * Express middleware, after the request id's: one line per answered request (its `req`, `res`,
 * `responseTime` and "request completed", "request aborted" or, for a 5xx or a failed response
 * stream, "request errored" with its `err`; at info, warn for a 4xx, error for those), and
 * `request.log`, the request's logger, which nestjs-pino binds to the request's context.
 *
 * The lines pino-http writes, with the work of its middleware done only when a line is written:
 * on the telemetry route pino-http cost a tenth of the API's CPU, most of it for lines that the
 * level then dropped.
 */
export function requestLogging(params: Params): RequestHandler {
  const [options, stream] = Array.isArray(params.pinoHttp)
    ? params.pinoHttp
    : [params.pinoHttp as LoggerOptions, undefined];
  const root = stream ? pino(options, stream) : pino(options);
  return (request, response, next) => {
    const startedAt = Date.now();
    const log = root.child({ req: request });
    request.log = log;
    const answered = (error?: Error) => {
      response.off('close', answered);
      response.off('finish', answered);
      response.off('error', answered);
      const level = requestLineLevel(response, error);
      if (!log.isLevelEnabled(level)) return;
      const responseTime = Date.now() - startedAt;
      if (error || response.statusCode >= 500) {
        const err = error ?? new Error(`failed with status code ${response.statusCode}`);
        log[level]({ res: response, err, responseTime }, 'request errored');
      } else {
        const completed = !request.readableAborted && response.writableEnded;
        log[level](
          { res: response, responseTime },
          completed ? 'request completed' : 'request aborted',
        );
      }
    };
    if (!QUIET_PATHS.some((path) => request.url.startsWith(path))) {
      response.on('close', answered);
      response.on('finish', answered);
    }
    response.on('error', answered);
    next();
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

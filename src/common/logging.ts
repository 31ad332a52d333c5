import type { LogLevel } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config';
import { requestId } from './http/request-id';

const QUIET_PATHS = ['/health', '/metrics'];

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

import { Writable } from 'node:stream';
import { DatabaseError } from 'pg';
import type { Logger } from 'pino';
import { pinoHttp, type Options } from 'pino-http';
import { QueryFailedError } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { logFormat, loggerParams } from './logging';

const SQL = 'SELECT "UserEntity"."id" FROM "users" "UserEntity" WHERE "UserEntity"."username" = $1';
const SECRET_VALUE = 'admin-secret-username';

/** A failed query as TypeORM throws it: the statement, its parameters, the driver's error. */
function queryFailure(): QueryFailedError {
  const driverError = new DatabaseError(
    'invalid byte sequence for encoding "UTF8": 0x00',
    100,
    'error',
  );
  driverError.code = '22021';
  driverError.detail = `Key (username)=(${SECRET_VALUE}) already exists.`;
  driverError.where = `unnamed portal parameter $1 = '${SECRET_VALUE}'`;
  driverError.internalQuery = SQL;
  return new QueryFailedError(SQL, [SECRET_VALUE], driverError);
}

/** The JSON lines the application's logger writes for `log`. */
function logLines(log: (logger: Logger) => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const { pinoHttp: options } = loggerParams(loadConfig({ LOG_LEVEL: 'trace' }), false);
  log(pinoHttp(options as Options, sink).logger);
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('loggerParams: errors in the logs', () => {
  it.each(['error', 'warn', 'debug'] as const)(
    'at %s, a failed query keeps its message, SQLSTATE and stack, never its SQL or values',
    (level) => {
      const [line] = logLines((logger) => logger[level]({ err: queryFailure() }, 'failed'));
      expect(line.err).toEqual(
        expect.objectContaining({
          type: 'QueryFailedError',
          message: 'invalid byte sequence for encoding "UTF8": 0x00',
          code: '22021',
          stack: expect.stringContaining('QueryFailedError'),
        }),
      );
      const text = JSON.stringify(line);
      expect(text).not.toContain('"users"');
      expect(text).not.toContain(SECRET_VALUE);
    },
  );

  it('strips them inside an aggregate error too, and leaves other errors whole', () => {
    const plain = Object.assign(new Error('boom'), { status: 502 });
    const [line] = logLines((logger) =>
      logger.error({ err: new AggregateError([queryFailure(), plain], 'several') }, 'failed'),
    );
    const text = JSON.stringify(line);
    expect(text).not.toContain(SECRET_VALUE);
    expect(line.err).toEqual(
      expect.objectContaining({
        aggregateErrors: [
          expect.objectContaining({ code: '22021' }),
          expect.objectContaining({ message: 'boom', status: 502 }),
        ],
      }),
    );
  });

  it('passes what is no error as it is', () => {
    const [line] = logLines((logger) => logger.error({ err: 'plain text' }, 'failed'));
    expect(line.err).toBe('plain text');
  });
});

describe('logFormat: one format for every line of a process', () => {
  it('is pretty only for a terminal in development', () => {
    expect(logFormat(loadConfig({}), true)).toBe('pretty');
    expect(logFormat(loadConfig({}), false)).toBe('json');
    expect(logFormat(loadConfig({ NODE_ENV: 'test' }), true)).toBe('json');
    expect(
      logFormat(
        loadConfig({
          NODE_ENV: 'production',
          JWT_SECRET: 'x'.repeat(32),
          SECRETS_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
        }),
        true,
      ),
    ).toBe('json');
  });

  it('is what LOG_FORMAT says when it is set, wherever the lines go', () => {
    expect(logFormat(loadConfig({ LOG_FORMAT: 'json' }), true)).toBe('json');
    expect(logFormat(loadConfig({ LOG_FORMAT: 'pretty' }), false)).toBe('pretty');
  });

  it('writes JSON objects through pino-http options, and pretty text through a stream of its own', () => {
    expect(Array.isArray(loggerParams(loadConfig({}), false).pinoHttp)).toBe(false);
    const pretty = loggerParams(loadConfig({ LOG_FORMAT: 'pretty' }), false).pinoHttp;
    expect(Array.isArray(pretty)).toBe(true);
  });
});

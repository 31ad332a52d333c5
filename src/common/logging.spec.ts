import type { Request, Response } from 'express';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { DatabaseError } from 'pg';
import { pino, type Logger, type LoggerOptions } from 'pino';
import { QueryFailedError } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { logFormat, loggerParams, requestLogging } from './logging';

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

type Line = Record<string, unknown>;

/** The application's logger options at `level`, and a stream that keeps the JSON lines written. */
function capture(level: string): { options: LoggerOptions; sink: Writable; lines: Line[] } {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Line);
      done();
    },
  });
  const { pinoHttp } = loggerParams(loadConfig({ LOG_LEVEL: level }), false);
  return { options: pinoHttp as LoggerOptions, sink, lines };
}

/** The JSON lines the application's logger writes for `log`. */
function logLines(log: (logger: Logger) => void): Line[] {
  const { options, sink, lines } = capture('trace');
  log(pino(options, sink));
  return lines;
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

  it('keeps the message, type and stack of any error', () => {
    const [line] = logLines((logger) =>
      logger.error({ err: Object.assign(new Error('boom'), { status: 502 }) }, 'failed'),
    );
    expect(line.err).toEqual({
      type: 'Error',
      message: 'boom',
      stack: expect.stringContaining('Error: boom'),
      status: 502,
    });
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

describe('requestLogging: one line per answered request', () => {
  /**
   * Serves `handle` behind the middleware at `level`, sends one request per path (with
   * credentials), and returns the lines written once every answer is in.
   */
  async function serve(
    level: string,
    paths: string[],
    handle: (request: Request, response: Response) => void,
  ): Promise<Line[]> {
    const { options, sink, lines } = capture(level);
    const middleware = requestLogging({ pinoHttp: [options, sink] });
    const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
      const [request, response] = [incoming as Request, outgoing as Response];
      request.id = `id-of-${request.url}`;
      middleware(request, response, () => handle(request, response));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      for (const path of paths) {
        const answer = await fetch(`http://127.0.0.1:${port}${path}`, {
          method: 'POST',
          headers: { authorization: 'Bearer secret-token', 'x-api-key': 'secret-key' },
          body: '[]',
        });
        await answer.arrayBuffer();
      }
    } finally {
      server.close();
      await once(server, 'close');
    }
    return lines;
  }

  const answerWith = (request: Request, response: Response) => {
    response.statusCode = Number(request.url.slice(1)) || 200;
    response.end('{}');
  };

  it('names the request and its answer, at info, warn for a 4xx and error for a 5xx', async () => {
    const lines = await serve('info', ['/200', '/404', '/503'], answerWith);
    expect(lines).toEqual([
      {
        level: 30,
        time: expect.any(Number),
        pid: process.pid,
        hostname: expect.any(String),
        req: { id: 'id-of-/200', method: 'POST', url: '/200' },
        res: { statusCode: 200 },
        responseTime: expect.any(Number),
        msg: 'request completed',
      },
      expect.objectContaining({ level: 40, res: { statusCode: 404 }, msg: 'request completed' }),
      expect.objectContaining({
        level: 50,
        req: { id: 'id-of-/503', method: 'POST', url: '/503' },
        res: { statusCode: 503 },
        err: expect.objectContaining({ message: 'failed with status code 503' }),
        msg: 'request errored',
      }),
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/secret/);
  });

  it('writes nothing for the health and metrics paths, nor below its level', async () => {
    expect(await serve('info', ['/health/live', '/metrics'], answerWith)).toEqual([]);
    expect(await serve('warn', ['/200'], answerWith)).toEqual([]);
  });

  it('gives the request a logger whose lines name it', async () => {
    const lines = await serve('warn', ['/200'], (request, response) => {
      request.log.warn('while serving');
      answerWith(request, response);
    });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        req: { id: 'id-of-/200', method: 'POST', url: '/200' },
        msg: 'while serving',
      }),
    ]);
  });
});

import { parse as parseContentType } from 'content-type';
import type { Request, RequestHandler, Response } from 'express';
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { AppConfig } from '../../config/app-config';
import { ApiError, type ApiErrorCode } from '../errors/api-error';

/** body-parser's errors carry a `type`; these are the caller's fault, with a message that says why. */
const PARSER_ERRORS: Record<string, [ApiErrorCode, string]> = {
  'entity.too.large': ['PAYLOAD_TOO_LARGE', 'The request body is larger than this server accepts'],
  'encoding.unsupported': [
    'UNSUPPORTED_MEDIA_TYPE',
    'The request body encoding is not supported (Content-Encoding: gzip, deflate, br or none)',
  ],
  'request.aborted': ['BAD_REQUEST', 'The request was aborted before its body arrived'],
  'request.size.invalid': ['BAD_REQUEST', 'The request body length does not match Content-Length'],
};

/**
 * What body-parser's failure means to the caller. The other 4xx it reports (a body that does not
 * inflate as its Content-Encoding says) is the caller's too; anything else is left a 500. A
 * format's own parse answers the caller itself, with an `ApiError`.
 */
function parserError(error: unknown): Error {
  if (error instanceof ApiError) return error;
  const { type, status } = (error ?? {}) as { type?: unknown; status?: unknown };
  if (typeof type === 'string' && type in PARSER_ERRORS) {
    const [code, message] = PARSER_ERRORS[type];
    return new ApiError(code, message);
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError('BAD_REQUEST', 'The request body could not be decoded as its headers say');
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Why the declared media type is not `mediaType` in UTF-8, or undefined when it is. */
function mediaTypeProblem(mediaType: string, header: string | undefined): string | undefined {
  const expected = `Content-Type must be ${mediaType} (UTF-8)`;
  if (!header) return `${expected} (got none)`;
  const shown = header.slice(0, 100);
  let type: string;
  let charset: string | undefined;
  try {
    const parsed = parseContentType(header);
    type = parsed.type;
    charset = parsed.parameters.charset;
  } catch {
    return `${expected} (got "${shown}")`;
  }
  if (type !== mediaType) return `${expected} (got "${shown}")`;
  if (charset !== undefined && charset.toLowerCase() !== 'utf-8') {
    return `The only charset accepted is utf-8 (got "${charset.slice(0, 40)}")`;
  }
  return undefined;
}

const hasBody = (request: Request) =>
  'transfer-encoding' in request.headers || Number(request.headers['content-length'] ?? 0) > 0;

/**
 * Whether the body is declared, as it is (not compressed), longer than `limit`. body-parser
 * refuses such a body too, but only once it has read all of it, to the deadline when the sender
 * never sends that much: it is refused here unread instead.
 */
const declaredPastLimit = (request: Request, limit: number) =>
  (request.headers['content-encoding'] || 'identity').toLowerCase() === 'identity' &&
  Number(request.headers['content-length']) > limit;

export type RequestWithRawBody = Request & { rawBody?: Buffer };

/** The options every body-parser middleware takes from the reader. */
export interface ParserOptions {
  limit: number;
  /** Keeps the body's bytes (inflated) in `request.rawBody`. */
  verify: (
    request: IncomingMessage & { rawBody?: Buffer },
    response: unknown,
    bytes: Buffer,
  ) => void;
}

/** A body format: the one media type a route takes, and the body-parser middleware that reads it. */
export interface BodyFormat {
  mediaType: string;
  parser(options: ParserOptions): RequestHandler;
}

/**
 * Reads a request's body in one format, by the rules every route's body follows, whatever its
 * format (the body guards use it once the caller has authenticated, so a 401 never waits for a
 * slow body):
 * - only the format's media type, in UTF-8 (no other charset: a body decoded one way for
 *   validation and another way later would be two different messages), else 415;
 * - bytes that are not valid UTF-8 are 400, not silently replaced by U+FFFD;
 * - the body must arrive within BODY_TIMEOUT_SECONDS and inflate to at most BODY_LIMIT_BYTES (one
 *   declared longer is refused unread).
 *
 * Leaves what the parser made of it in `request.body` and its bytes (inflated) in
 * `request.rawBody`; a request without a body is left as it is.
 */
export class BodyReader {
  private readonly parse: RequestHandler;
  private readonly timeoutMs: number;
  private readonly limitBytes: number;

  constructor(
    config: AppConfig,
    private readonly format: BodyFormat,
  ) {
    this.timeoutMs = config.http.bodyTimeoutMs;
    this.limitBytes = config.http.bodyLimitBytes;
    this.parse = format.parser({
      limit: this.limitBytes,
      verify: (request, _response, bytes) => {
        request.rawBody = bytes;
      },
    });
  }

  async read(request: RequestWithRawBody, response: Response): Promise<void> {
    if (!hasBody(request)) return;
    const problem = mediaTypeProblem(this.format.mediaType, request.headers['content-type']);
    if (problem) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', problem);
    if (declaredPastLimit(request, this.limitBytes)) {
      throw new ApiError(...PARSER_ERRORS['entity.too.large']);
    }
    await this.readWithin(request, response);
    if (request.rawBody && !isUtf8(request.rawBody)) {
      throw new ApiError('BAD_REQUEST', 'The request body is not valid UTF-8');
    }
  }

  private readWithin(request: Request, response: Response): Promise<void> {
    return new Promise((resolve, reject) => {
      const seconds = this.timeoutMs / 1000;
      const timer = setTimeout(
        () =>
          reject(
            new ApiError('REQUEST_TIMEOUT', `The request body did not arrive within ${seconds} s`),
          ),
        this.timeoutMs,
      );
      this.parse(request, response, (error?: unknown) => {
        clearTimeout(timer);
        if (error === undefined) resolve();
        else reject(parserError(error));
      });
    });
  }
}

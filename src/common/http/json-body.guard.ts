import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import bodyParser from 'body-parser';
import type { RequestHandler, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { ApiError } from '../errors/api-error';
import { BodyReader, type RequestWithRawBody } from './body-reader';

/** A request once `JsonBodyGuard` has read it. */
export type RequestWithJsonBody = RequestWithRawBody & {
  /**
   * The text `request.body` was parsed from, when there was a body: without the leading byte order
   * mark that the parse ignores and a later JSON.parse would not.
   */
  bodyText?: string;
};

/**
 * What body-parser's strict `json()` admits: an object or an array, after RFC 8259 whitespace.
 * Kept so that a body refused before is refused still.
 */
const OBJECT_OR_ARRAY = /^[ \t\n\r]*[{[]/;

/**
 * The body's text and value, by body-parser `json()`'s rules: decoded as UTF-8 without a leading
 * BOM, an empty body is `{}`, anything else must be an object or array. Bytes that are not UTF-8
 * decode to U+FFFD here and are refused by the reader after the parse: the order `json()` answered
 * in, so a body that is not JSON either is still a VALIDATION_ERROR.
 */
function parseJson(bytes: Buffer): { text: string; value: unknown } {
  const decoded = bytes.toString('utf8');
  const text = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
  if (text.length === 0) return { text, value: {} };
  const notJson = () => new ApiError('VALIDATION_ERROR', 'The request body is not valid JSON');
  if (!OBJECT_OR_ARRAY.test(text)) throw notJson();
  try {
    return { text, value: JSON.parse(text) as unknown };
  } catch {
    throw notJson();
  }
}

/**
 * body-parser's `raw()`, which reads the bytes (inflating, within the limits), then one decode and
 * one parse of them: `json()` would decode them for its parse, and the telemetry route would decode
 * them again for the text it forwards.
 */
const jsonParser =
  (raw: RequestHandler): RequestHandler =>
  (request: RequestWithJsonBody, response, next) =>
    raw(request, response, (error?: unknown) => {
      // No bytes (an error, or a body another parser has read already): nothing to parse.
      if (error !== undefined || !Buffer.isBuffer(request.body)) {
        next(error);
        return;
      }
      try {
        const { text, value } = parseJson(request.body);
        request.body = value;
        request.bodyText = text;
      } catch (parseError) {
        next(parseError);
        return;
      }
      next();
    });

/**
 * Reads a route's JSON body, by the rules of `BodyReader` (UTF-8 `application/json` only, within
 * the size and time limits). Listed after the route's authentication guards: nothing of a body is
 * looked at before its sender has authenticated.
 *
 * Leaves the parsed value in `request.body`, its text in `request.bodyText` and its bytes
 * (inflated) in `request.rawBody`.
 */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  private readonly reader: BodyReader;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.reader = new BodyReader(config, {
      mediaType: 'application/json',
      // The media type is checked by the reader, with a clearer answer than the parser's skip.
      parser: (options) => jsonParser(bodyParser.raw({ ...options, type: () => true })),
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    await this.reader.read(http.getRequest<RequestWithJsonBody>(), http.getResponse<Response>());
    return true;
  }
}

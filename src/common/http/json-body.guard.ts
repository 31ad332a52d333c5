import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import bodyParser from 'body-parser';
import type { Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { BodyReader, type RequestWithRawBody } from './body-reader';

/**
 * Reads a route's JSON body, by the rules of `BodyReader` (UTF-8 `application/json` only, within
 * the size and time limits). Listed after the route's authentication guards: nothing of a body is
 * looked at before its sender has authenticated.
 *
 * Leaves the parsed value in `request.body` and its bytes (inflated) in `request.rawBody`.
 */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  private readonly reader: BodyReader;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.reader = new BodyReader(config, {
      mediaType: 'application/json',
      // The media type is checked by the reader, with a clearer answer than the parser's skip.
      parser: (options) => bodyParser.json({ ...options, type: () => true }),
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    await this.reader.read(http.getRequest<RequestWithRawBody>(), http.getResponse<Response>());
    return true;
  }
}

import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import bodyParser from 'body-parser';
import type { Response } from 'express';
import { BodyReader, type RequestWithRawBody } from '../common/http/body-reader';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { parseFormEncoded } from './form-encoding';

export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

/**
 * Reads a Twilio-compatible route's `application/x-www-form-urlencoded` body, by the rules every
 * body follows (`BodyReader`: UTF-8 only, within the size and time limits, 415 for another media
 * type), once the caller has authenticated. Leaves its parameters (`parseFormEncoded`) in
 * `request.body`: none when the request has no body, as twilio-node sends an update without
 * parameters.
 */
@Injectable()
export class FormBodyGuard implements CanActivate {
  private readonly reader: BodyReader;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.reader = new BodyReader(config, {
      mediaType: FORM_MEDIA_TYPE,
      // The bytes as they are: parsed below, once they are known to be UTF-8.
      parser: (options) => bodyParser.raw({ ...options, type: () => true }),
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<RequestWithRawBody>();
    await this.reader.read(request, http.getResponse<Response>());
    request.body = parseFormEncoded(request.rawBody?.toString('utf8') ?? '');
    return true;
  }
}

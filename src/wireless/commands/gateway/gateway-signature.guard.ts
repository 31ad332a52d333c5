import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { JsonBodyGuard } from '../../../common/http/json-body.guard';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config';
import { TwilioError } from '../../../twilio/twilio-error';
import {
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  signatureHeadersProblem,
  signatureMatches,
} from './gateway-signature';

const unauthorized = (why: string) => new TwilioError(401, 20003, `Authentication Error - ${why}`);

/**
 * The HTTP gateway's own requests: their signature headers are checked before the body is read
 * (a request without a fresh signature is refused unread, like a bad credential), then the body is
 * read (JsonBodyGuard's rules: size, time, UTF-8 JSON), then the signature must match its bytes.
 */
@Injectable()
export class GatewaySignatureGuard implements CanActivate {
  private readonly secret: string;

  constructor(
    private readonly body: JsonBodyGuard,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const transport = config.commands.transport;
    if (transport?.kind !== 'http-gateway') {
      throw new Error('unreachable: the HTTP gateway is not the Commands transport');
    }
    this.secret = transport.secret;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { rawBody?: Buffer }>();
    const timestamp = request.header(TIMESTAMP_HEADER);
    const signature = request.header(SIGNATURE_HEADER);
    const problem = signatureHeadersProblem(timestamp, signature, Date.now());
    if (problem || !timestamp || !signature) throw unauthorized(problem ?? 'unsigned request');
    await this.body.canActivate(context);
    if (!signatureMatches(this.secret, timestamp, signature, request.rawBody ?? Buffer.alloc(0))) {
      throw unauthorized(`${SIGNATURE_HEADER} does not sign this request`);
    }
    return true;
  }
}

import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { FailedAuthLimiter } from '../failed-auth.limiter';
import { TwilioBasicGuard } from './passport.guards';

/**
 * The Twilio-compatible APIs' HTTP Basic: the tenant's Account SID and auth token. Failures count
 * against the client address, as on `/apidev/v1` (FailedAuthLimiter): an API that anyone can call
 * must not let anyone guess auth tokens at the speed of the network.
 */
@Injectable()
export class TwilioAuthGuard implements CanActivate {
  private readonly basic = new TwilioBasicGuard();

  constructor(private readonly failures: FailedAuthLimiter) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    await this.failures.guard(request, () => this.basic.canActivate(context));
    return true;
  }
}

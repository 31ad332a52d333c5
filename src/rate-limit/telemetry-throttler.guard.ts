import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { Request } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { TelemetryRateLimiter } from './telemetry-rate-limiter';

/**
 * The rate limit of `POST /apidev/v1/telemetry`: the spec's two token buckets rather than
 * @nestjs/throttler's fixed windows. It is a ThrottlerGuard (same module wiring, `shouldSkip`
 * hook and header helpers) whose `canActivate` hands the request to the token-bucket engine,
 * because the cost depends on the body and the buckets are keyed on the authenticated user:
 * it must run after `ApiAuthGuard`, so the route lists it there,
 * `@ApiAuth(TelemetryThrottlerGuard)`, and before validation, so invalid batches pay too.
 */
@Injectable()
export class TelemetryThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly limiter: TelemetryRateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super(options, storage, reflector);
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return !this.config.rateLimit.telemetryEnabled || super.shouldSkip(context);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (await this.shouldSkip(context)) return true;
    const { req, res } = this.getRequestResponse(context);
    const request = req as Request;
    if (!request.principal) {
      throw new Error('TelemetryThrottlerGuard needs the principal: list it after ApiAuthGuard');
    }
    const outcome = await this.limiter.charge(request.principal, request.body);
    for (const [name, value] of Object.entries(outcome.headers)) {
      this.setResponseHeader(res, name, value);
    }
    if (outcome.rejection) throw outcome.rejection;
    return true;
  }
}

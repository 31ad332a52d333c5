import {
  HttpException,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import {
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerRequest,
} from '@nestjs/throttler';
import type { Request } from 'express';
import { hash } from 'node:crypto';
import { from, switchMap, type Observable } from 'rxjs';
import { ApiError } from '../common/errors/api-error';

/** The window of the plain request limit (RATE_LIMIT_API_PER_MINUTE requests per window). */
export const API_LIMIT_WINDOW_MS = 60_000;

const WARNING_INTERVAL_MS = 10_000;

/**
 * The tenant a request authenticated as: by the `/apidev/v1` credentials, or by HTTP Basic (the
 * Twilio-compatible APIs).
 */
const tenantOf = (request: Request) =>
  request.principal?.tenantId ??
  request.apiKeyPrincipal?.tenantId ??
  request.tenantPrincipal?.tenantId;

/**
 * The plain request limit, @nestjs/throttler's standard mechanism: RATE_LIMIT_API_PER_MINUTE
 * requests per minute per tenant, across the `/apidev/v1` routes and the Twilio-compatible APIs,
 * counted in Redis when REDIS_URL is set. Only requests that authenticated as a tenant spend its
 * limit, so it is an interceptor, not a guard: interceptors run after every guard, once the tenant
 * is known. The authentication decorators (`decorators.ts`) put it on their routes, rather than it
 * being global, so that the routes without it pay nothing for it: Nest wraps every route that has
 * an interceptor in an observable pipeline, which cost the telemetry route a tenth of its CPU.
 * Two routes go without it: telemetry, whose token buckets replace it, and the Asset Trackers'
 * `POST /data`, which must not refuse a message. Unauthenticated traffic is limited by client
 * address (`FailedAuthLimiter`).
 *
 * When Redis cannot answer, requests pass (fail open): this limit only guards against abuse, and
 * the routes behind it (token issue, device queries) do not need Redis to work.
 */
@Injectable()
export class TenantRequestLimit extends ThrottlerGuard implements NestInterceptor {
  private lastWarningAt = -Infinity;

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return from(this.canActivate(context)).pipe(switchMap(() => next.handle()));
  }

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return Promise.resolve(true);
    const request = context.switchToHttp().getRequest<Request>();
    return Promise.resolve(tenantOf(request) === undefined);
  }

  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    return Promise.resolve(`tenant:${tenantOf(request as unknown as Request)}`);
  }

  /** One count per tracker across every limited route (the default key is per route). */
  protected override generateKey(
    _context: ExecutionContext,
    tracker: string,
    name: string,
  ): string {
    return `${name}:${hash('sha256', tracker, 'hex')}`;
  }

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    try {
      return await super.handleRequest(request);
    } catch (error) {
      if (error instanceof ApiError || error instanceof HttpException) throw error;
      if (Date.now() - this.lastWarningAt > WARNING_INTERVAL_MS) {
        this.lastWarningAt = Date.now();
        this.logger.warn(`Request limit not checked, letting requests through: ${String(error)}`);
      }
      return true;
    }
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const retryAfterSeconds = Math.max(1, detail.timeToBlockExpire);
    throw new ApiError(
      'RATE_LIMITED',
      `Too many requests for this tenant: at most ${detail.limit} per minute; ` +
        `retry in ${retryAfterSeconds} s`,
      { bucket: 'api', limit: detail.limit, remaining: 0, retryAfterSeconds },
      { 'Retry-After': String(retryAfterSeconds) },
    );
  }
}

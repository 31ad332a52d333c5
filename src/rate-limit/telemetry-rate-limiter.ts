import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ApiPrincipal } from '../auth/principal';
import { ApiError } from '../common/errors/api-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { BucketStore } from './bucket-store';
import { telemetryCost } from './telemetry-cost';
import { TenantLimitsService } from './tenant-limits.service';
import {
  TOKEN_EPSILON,
  msUntilFull,
  shortfall,
  type BucketCharge,
  type BucketLimits,
  type TakeResult,
} from './token-bucket';

export interface RateLimitOutcome {
  /** `X-RateLimit-*` of the user's bucket: every answer of the route carries them. */
  headers: Record<string, string>;
  /** The 429 to answer instead of serving the request; absent when it may proceed. */
  rejection?: ApiError;
}

/** Whole seconds, rounded up, ignoring floating-point dust (1.0000000001 s is 1 s). */
const ceilSeconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000 - TOKEN_EPSILON));
const wholeTokens = (tokens: number) => Math.floor(tokens + TOKEN_EPSILON);

function globalHeaders(tokens: number, limits: BucketLimits): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(limits.capacity),
    'X-RateLimit-Remaining': String(wholeTokens(tokens)),
    'X-RateLimit-Reset': String(ceilSeconds(msUntilFull(tokens, limits))),
  };
}

/**
 * The telemetry token buckets of the spec: per user (the JWT subject) and per IMEI within the
 * tenant, each paying ceil(points / 20) tokens, all or nothing, in one atomic store call.
 *
 * Bucket keys: `<QUEUE_PREFIX>:rl:{<tenant id>}:user:<user id>` and
 * `<QUEUE_PREFIX>:rl:{<tenant id>}:imei:<imei>`.
 *
 * When the store (Redis) cannot answer, telemetry is refused with a 503 (fail closed): Redis down
 * also means the queue is down, so nothing could be accepted anyway, and failing open would let a
 * recovering Redis be flooded without limits.
 */
@Injectable()
export class TelemetryRateLimiter {
  private readonly logger = new Logger(TelemetryRateLimiter.name);
  private readonly keyPrefix: string;
  private readonly maxPoints: number;

  constructor(
    private readonly store: BucketStore,
    private readonly limits: TenantLimitsService,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.keyPrefix = `${config.queue.prefix}:rl`;
    this.maxPoints = config.telemetry.maxPoints;
  }

  async charge(principal: ApiPrincipal, body: unknown): Promise<RateLimitOutcome> {
    const limits = await this.limits.limitsFor(principal.tenantId);
    const cost = telemetryCost(body, this.maxPoints);
    const tag = `${this.keyPrefix}:{${principal.tenantId}}`;
    const imeis = [...cost.imeis.keys()];
    const charges: BucketCharge[] = [
      { key: `${tag}:user:${principal.userId}`, ...limits.global, cost: cost.global },
      ...imeis.map((imei) => ({
        key: `${tag}:imei:${imei}`,
        ...limits.imei,
        cost: cost.imeis.get(imei)!,
      })),
    ];

    let result: TakeResult;
    try {
      result = await this.store.take(charges);
    } catch (error) {
      this.logger.error(`Could not check the telemetry rate limits: ${String(error)}`);
      throw new ApiError(
        'SERVICE_UNAVAILABLE',
        'Telemetry cannot be accepted right now and nothing was stored; resend the batch',
        undefined,
        { 'Retry-After': '1' },
      );
    }

    const headers = globalHeaders(result.tokens[0], charges[0]);
    if (result.allowed) return { headers };
    const { index, waitMs } = shortfall(charges, result);
    const charge = charges[index];
    const imei = index === 0 ? undefined : imeis[index - 1];
    this.metrics.bucketRejected(imei === undefined ? 'global' : 'imei');
    return { headers, rejection: rejection(charge, result.tokens[index], waitMs, imei) };
  }
}

function rejection(
  charge: BucketCharge,
  tokens: number,
  waitMs: number,
  imei: string | undefined,
): ApiError {
  const bucket =
    imei === undefined ? 'the global bucket of this user' : `the bucket of IMEI ${imei}`;
  const remaining = wholeTokens(tokens);
  // A cost beyond the capacity can never be paid: say so, and name when the bucket is full again.
  const exceedsCapacity = !Number.isFinite(waitMs);
  const retryAfterSeconds = Math.max(
    1,
    ceilSeconds(exceedsCapacity ? msUntilFull(tokens, charge) : waitMs),
  );
  const message = exceedsCapacity
    ? `Rate limit exceeded: this request costs ${charge.cost} tokens, more than the capacity of ` +
      `${bucket} (${charge.capacity}); send smaller batches`
    : `Rate limit exceeded for ${bucket}: this request costs ${charge.cost} tokens and ` +
      `${remaining} are available; retry in ${retryAfterSeconds} s`;
  return new ApiError(
    'RATE_LIMITED',
    message,
    {
      bucket: imei === undefined ? 'global' : 'imei',
      ...(imei === undefined ? {} : { imei }),
      limit: charge.capacity,
      remaining,
      cost: charge.cost,
      retryAfterSeconds,
    },
    { 'Retry-After': String(retryAfterSeconds) },
  );
}

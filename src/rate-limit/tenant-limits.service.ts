import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Clock } from './clock';
import { RateLimitOverridesService, type RateLimitOverrides } from './rate-limit-overrides.service';
import type { BucketLimits } from './token-bucket';

/** The telemetry buckets' sizes for one tenant. */
export interface TelemetryLimits {
  global: BucketLimits;
  imei: BucketLimits;
}

interface CachedLimits {
  limits: TelemetryLimits;
  expiresAtMs: number;
}

/**
 * Each tenant's bucket sizes: its overrides (`tenant:limits`) over the configured defaults.
 * Cached per process for RATE_LIMIT_TENANT_CACHE_TTL seconds (default 5), so the hot path reads
 * PostgreSQL at most once per tenant per TTL, and a change reaches every process within the TTL.
 * When PostgreSQL cannot answer, the last known limits (else the defaults) keep applying: the
 * limits are no reason to refuse telemetry.
 */
@Injectable()
export class TenantLimitsService {
  private readonly logger = new Logger(TenantLimitsService.name);
  private readonly cache = new Map<string, CachedLimits>();
  private readonly loading = new Map<string, Promise<TelemetryLimits>>();
  private readonly defaults: TelemetryLimits;
  private readonly ttlMs: number;

  constructor(
    private readonly overrides: RateLimitOverridesService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.defaults = { global: config.rateLimit.global, imei: config.rateLimit.imei };
    this.ttlMs = config.rateLimit.tenantCacheTtlMs;
  }

  limitsFor(tenantId: string): Promise<TelemetryLimits> {
    const cached = this.cache.get(tenantId);
    if (cached && cached.expiresAtMs > this.clock.now()) return Promise.resolve(cached.limits);
    let loading = this.loading.get(tenantId);
    if (!loading) {
      loading = this.load(tenantId, cached?.limits).finally(() => this.loading.delete(tenantId));
      this.loading.set(tenantId, loading);
    }
    return loading;
  }

  private async load(tenantId: string, stale?: TelemetryLimits): Promise<TelemetryLimits> {
    let limits: TelemetryLimits;
    try {
      limits = this.merge(await this.overrides.findByTenantId(tenantId));
    } catch (error) {
      this.logger.warn(`Could not read the rate limits of tenant ${tenantId}: ${String(error)}`);
      return stale ?? this.defaults;
    }
    if (this.ttlMs > 0) {
      this.cache.set(tenantId, { limits, expiresAtMs: this.clock.now() + this.ttlMs });
    }
    return limits;
  }

  private merge(overrides: RateLimitOverrides | null): TelemetryLimits {
    const { global, imei } = this.defaults;
    return {
      global: {
        capacity: overrides?.globalCapacity ?? global.capacity,
        refillPerSecond: overrides?.globalRefill ?? global.refillPerSecond,
      },
      imei: {
        capacity: overrides?.imeiCapacity ?? imei.capacity,
        refillPerSecond: overrides?.imeiRefill ?? imei.refillPerSecond,
      },
    };
  }
}

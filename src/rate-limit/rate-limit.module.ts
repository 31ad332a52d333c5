import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ThrottlerModule, type ThrottlerModuleOptions } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { AuthModule } from '../auth/auth.module';
import { FailedAuthLimiter } from '../auth/failed-auth.limiter';
import { API_LIMIT_WINDOW_MS } from '../auth/tenant-request.limit';
import type { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';
import { BucketStore } from './bucket-store';
import { Clock, SystemClock } from './clock';
import { MemoryBucketStore } from './memory-bucket.store';
import { RateLimitOverridesService } from './rate-limit-overrides.service';
import { RedisBucketStore } from './redis-bucket.store';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { TelemetryRateLimiter } from './telemetry-rate-limiter';
import { TenantLimitsService } from './tenant-limits.service';

const OPTIONAL_REDIS = { token: REDIS, optional: true };

/**
 * Rate limits. With REDIS_URL, the token buckets and the request counters live in Redis and
 * hold across every API process; without, in this process's memory (the embedded default).
 * Global, so the telemetry route's guard resolves its limiter wherever it is used.
 *
 * Imported without `forRoot` (the operator CLI), it offers only the tenants' stored overrides.
 */
@Global()
@Module({ providers: [RateLimitOverridesService], exports: [RateLimitOverridesService] })
export class RateLimitModule {
  static forRoot(config: AppConfig): DynamicModule {
    const keyPrefix = `${config.queue.prefix}:rl`;
    return {
      module: RateLimitModule,
      imports: [
        AuthModule,
        // The request counters: the tenants' plain request limit (`TenantRequestLimit`, which the
        // authentication decorators put on their routes) and the failed authentications.
        ThrottlerModule.forRootAsync({
          inject: [OPTIONAL_REDIS],
          useFactory: (redis?: Redis): ThrottlerModuleOptions => ({
            throttlers: [{ ttl: API_LIMIT_WINDOW_MS, limit: config.rateLimit.apiPerMinute }],
            ...(redis ? { storage: new RedisThrottlerStorage(redis, keyPrefix) } : {}),
          }),
        }),
      ],
      providers: [
        { provide: Clock, useClass: SystemClock },
        {
          provide: BucketStore,
          inject: [Clock, OPTIONAL_REDIS],
          useFactory: (clock: Clock, redis?: Redis): BucketStore =>
            redis ? new RedisBucketStore(redis) : new MemoryBucketStore(clock),
        },
        TenantLimitsService,
        TelemetryRateLimiter,
        // The auth guards' limit on failures shares the request counters' storage (Redis or memory).
        FailedAuthLimiter,
      ],
      exports: [Clock, BucketStore, TenantLimitsService, TelemetryRateLimiter, FailedAuthLimiter],
    };
  }
}

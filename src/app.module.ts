import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { GLOBAL_HTTP_PROVIDERS } from './app.setup';
import { AuthApiModule } from './auth/auth-api.module';
import { ErrorFormatsModule } from './common/errors/error-formats.module';
import { loggerParams } from './common/logging';
import type { ResolvedAppConfig } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { ConnectionErrorGuard } from './database/connection-errors';
import { buildDataSourceOptions } from './database/data-source-options';
import { HealthModule } from './health/health.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { MetricsModule } from './metrics/metrics.module';
import { MicrovisorModule } from './microvisor/microvisor.module';
import { NorthboundModule } from './northbound/northbound.module';
import { QueueModule } from './queue/queue.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { RedisModule } from './redis/redis.module';
import { TelemetryModule } from './telemetry/telemetry.module';
import { CallbacksModule } from './twilio/callbacks/callbacks.module';
import { WirelessModule } from './wireless/wireless.module';

/**
 * The whole application for one configuration. The role decides what runs: `api` serves HTTP,
 * `worker` consumes queues, `all` does both (see main.ts).
 */
@Module({})
export class AppModule {
  static forRoot(config: ResolvedAppConfig): DynamicModule {
    const redis = config.redis.url;
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config)),
        ErrorFormatsModule,
        TypeOrmModule.forRoot(
          buildDataSourceOptions(
            config.database.url,
            config.database.poolSize,
            `fleethub-${config.role}`,
          ),
        ),
        ...(redis ? [RedisModule.forRoot(redis)] : []),
        QueueModule.forRoot(config),
        AuthApiModule,
        HealthModule.forRoot({ redis: Boolean(redis) }),
        MetricsModule,
        RateLimitModule.forRoot(config),
        TelemetryModule.forRoot(config),
        NorthboundModule.forRoot(config),
        LifecycleModule.forRoot(config),
        CallbacksModule.forRoot(config),
        WirelessModule.forRoot(config),
        MicrovisorModule.forRoot(config),
        DashboardModule,
      ],
      providers: [ConnectionErrorGuard, ...GLOBAL_HTTP_PROVIDERS],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import type { ResolvedAppConfig } from '../config/app-config';
import { AppConfigModule } from '../config/config.module';
import { buildDataSourceOptions } from '../database/data-source-options';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { MicrovisorModule } from '../microvisor/microvisor.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { CallbacksModule } from '../twilio/callbacks/callbacks.module';
import { WirelessModule } from '../wireless/wireless.module';

/**
 * What operator commands need: configuration, the database, the auth services, the tenants'
 * settings (rate-limit overrides, retention), the record of callbacks, the SIM import and the
 * registration of Microvisor devices. No HTTP, no queues, no data-lifecycle job.
 */
@Module({})
export class CliModule {
  static forRoot(config: ResolvedAppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        AppConfigModule.forRoot(config),
        TypeOrmModule.forRoot(buildDataSourceOptions(config.database.url, 2, 'fleethub-cli')),
        AuthModule,
        RateLimitModule,
        LifecycleModule,
        CallbacksModule,
        WirelessModule,
        MicrovisorModule,
      ],
    };
  }
}

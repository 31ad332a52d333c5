import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config';
import { TwilioModule } from '../twilio/twilio.module';
import { CommandsModule } from './commands/commands.module';
import { RatePlanEntity } from './entities/rate-plan.entity';
import { SimEntity } from './entities/sim.entity';
import { RatePlansController } from './rate-plans.controller';
import { RatePlansService } from './rate-plans.service';
import { DataSessionsController } from './usage/data-sessions.controller';
import { UsageRecordsController } from './usage/usage-records.controller';
import { WirelessUsageModule } from './usage/wireless-usage.module';
import { WIRELESS_MOUNT } from './wireless-paths';

/**
 * Twilio-compatible Programmable Wireless v1, mounted at /wireless/v1: its routes in API
 * processes, and the Commands' delivery wherever it runs (see CommandsModule).
 */
@Module({})
export class WirelessModule {
  static forRoot(config: AppConfig): DynamicModule {
    const serves = config.role !== 'worker';
    return {
      module: WirelessModule,
      imports: [
        TwilioModule.forMount(WIRELESS_MOUNT),
        TypeOrmModule.forFeature([RatePlanEntity, SimEntity]),
        CommandsModule.forRoot(config),
        WirelessUsageModule.forRoot(config),
      ],
      controllers: serves
        ? [RatePlansController, UsageRecordsController, DataSessionsController]
        : [],
      providers: [RatePlansService],
    };
  }
}

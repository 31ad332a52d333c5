import { Module, type DynamicModule } from '@nestjs/common';
import { BullModule } from '@nestjs/bull';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config';
import { TwilioModule } from '../twilio/twilio.module';
import { CommandsModule } from './commands/commands.module';
import { RatePlanEntity } from './entities/rate-plan.entity';
import { SimEntity } from './entities/sim.entity';
import { RatePlansController } from './rate-plans.controller';
import { RatePlansService } from './rate-plans.service';
import { SimChangeCompleter } from './sim-change-completer';
import { SimChangeRecovery } from './sim-change-recovery';
import { SimImportService } from './sim-import.service';
import { SimStatusProcessor } from './sim-status.processor';
import { SimStatusProducer } from './sim-status.producer';
import { SIM_STATUS_QUEUE } from './sim-status.queue';
import { SimsController } from './sims.controller';
import { SimsService } from './sims.service';
import { DataSessionsController } from './usage/data-sessions.controller';
import { UsageRecordsController } from './usage/usage-records.controller';
import { WirelessUsageModule } from './usage/wireless-usage.module';
import { WIRELESS_MOUNT } from './wireless-paths';

/**
 * Twilio-compatible Programmable Wireless v1, mounted at /wireless/v1: its routes in API
 * processes, the Commands' delivery wherever it runs (see CommandsModule), and Sims' status
 * changes through a queue: with Redis, workers take them when due; without, this process holds
 * them. Imported without `forRoot` (the operator CLI), it offers only the SIM import.
 */
@Module({ providers: [SimImportService], exports: [SimImportService] })
export class WirelessModule {
  static forRoot(config: AppConfig): DynamicModule {
    const queued = Boolean(config.redis.url);
    const serves = config.role !== 'worker';
    const consumes = queued && config.role !== 'api';
    return {
      module: WirelessModule,
      imports: [
        TwilioModule.forMount(WIRELESS_MOUNT),
        TypeOrmModule.forFeature([RatePlanEntity, SimEntity]),
        CommandsModule.forRoot(config),
        WirelessUsageModule.forRoot(config),
        ...(queued ? [BullModule.registerQueue({ name: SIM_STATUS_QUEUE })] : []),
      ],
      controllers: serves
        ? [RatePlansController, SimsController, UsageRecordsController, DataSessionsController]
        : [],
      providers: [
        RatePlansService,
        SimsService,
        SimChangeCompleter,
        SimStatusProducer,
        ...(queued ? [] : [SimChangeRecovery]),
        ...(consumes ? [SimStatusProcessor] : []),
      ],
    };
  }
}

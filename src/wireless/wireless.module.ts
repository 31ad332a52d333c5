import { Module, type DynamicModule } from '@nestjs/common';
import { BullModule } from '@nestjs/bull';
import type { AppConfig } from '../config/app-config';
import { TwilioModule } from '../twilio/twilio.module';
import { SimChangeCompleter } from './sim-change-completer';
import { SimChangeRecovery } from './sim-change-recovery';
import { SimImportService } from './sim-import.service';
import { SimStatusProcessor } from './sim-status.processor';
import { SimStatusProducer } from './sim-status.producer';
import { SIM_STATUS_QUEUE } from './sim-status.queue';
import { SimsController } from './sims.controller';
import { SimsService } from './sims.service';

/**
 * The Twilio-compatible Programmable Wireless API, at /wireless/v1. Sims' status changes complete
 * through a queue: with Redis, workers take them when due; without, this process holds them.
 * Imported without `forRoot` (the operator CLI), it offers only the SIM import.
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
        TwilioModule.forMount('wireless'),
        ...(queued ? [BullModule.registerQueue({ name: SIM_STATUS_QUEUE })] : []),
      ],
      controllers: serves ? [SimsController] : [],
      providers: [
        SimsService,
        SimChangeCompleter,
        SimStatusProducer,
        ...(queued ? [] : [SimChangeRecovery]),
        ...(consumes ? [SimStatusProcessor] : []),
      ],
    };
  }
}

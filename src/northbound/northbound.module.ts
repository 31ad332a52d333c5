import { Module, type DynamicModule } from '@nestjs/common';
import { BullModule } from '@nestjs/bull';
import { RouterModule } from '@nestjs/core';
import { AuthModule } from '../auth/auth.module';
import type { AppConfig } from '../config/app-config';
import { DevicesModule } from '../devices/devices.module';
import { MeteringModule } from '../metering/metering.module';
import { NorthboundIntakeService } from './northbound-intake.service';
import { NorthboundController } from './northbound.controller';
import { NorthboundProcessor } from './northbound.processor';
import { NorthboundProducer } from './northbound.producer';
import { NORTHBOUND_QUEUE } from './northbound.queue';
import { TrackerMessageStorageService } from './tracker-message-storage.service';

/**
 * POST {NORTHBOUND_BASE_PATH}/data for Programmable Asset Trackers. With Redis, the API queues each
 * message and workers store it; without, the API stores it before answering.
 */
@Module({})
export class NorthboundModule {
  static forRoot(config: AppConfig): DynamicModule {
    const queued = Boolean(config.redis.url);
    const serves = config.role !== 'worker';
    const consumes = queued && config.role !== 'api';
    const basePath = config.northbound.basePath;
    return {
      module: NorthboundModule,
      imports: [
        AuthModule,
        DevicesModule,
        MeteringModule,
        ...(queued ? [BullModule.registerQueue({ name: NORTHBOUND_QUEUE })] : []),
        // The base path is configuration, which a @Controller decorator cannot read.
        ...(serves && basePath
          ? [RouterModule.register([{ path: basePath, module: NorthboundModule }])]
          : []),
      ],
      controllers: serves ? [NorthboundController] : [],
      providers: [
        NorthboundIntakeService,
        TrackerMessageStorageService,
        NorthboundProducer,
        ...(consumes ? [NorthboundProcessor] : []),
      ],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { BullModule } from '@nestjs/bull';
import { AuthModule } from '../auth/auth.module';
import type { AppConfig } from '../config/app-config';
import { DevicesModule } from '../devices/devices.module';
import { MeteringModule } from '../metering/metering.module';
import { TelemetryBatchValidator } from './telemetry-batch.validator';
import { TelemetryIntakeService } from './telemetry-intake.service';
import { TelemetryStorageService } from './telemetry-storage.service';
import { TelemetryController } from './telemetry.controller';
import { TelemetryProcessor } from './telemetry.processor';
import { TelemetryProducer } from './telemetry.producer';
import { TELEMETRY_QUEUE } from './telemetry.queue';

/**
 * POST /apidev/v1/telemetry. With Redis, the API queues each batch and workers store it; without,
 * the API stores it before answering.
 */
@Module({})
export class TelemetryModule {
  static forRoot(config: AppConfig): DynamicModule {
    const queued = Boolean(config.redis.url);
    const serves = config.role !== 'worker';
    const consumes = queued && config.role !== 'api';
    return {
      module: TelemetryModule,
      imports: [
        AuthModule,
        DevicesModule,
        MeteringModule,
        ...(queued ? [BullModule.registerQueue({ name: TELEMETRY_QUEUE })] : []),
      ],
      controllers: serves ? [TelemetryController] : [],
      providers: [
        TelemetryBatchValidator,
        TelemetryStorageService,
        TelemetryIntakeService,
        TelemetryProducer,
        ...(consumes ? [TelemetryProcessor] : []),
      ],
    };
  }
}

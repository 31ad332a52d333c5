import { Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { AuthModule } from '../auth/auth.module';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';
import { DeviceDataWriter } from './device-data.writer';
import { DevicesController } from './devices.controller';
import { DevicesService } from './devices.service';
import { PositionExportService } from './exporters/position-export.service';
import { DeviceStreamService } from './live/device-stream.service';
import { LiveAnnouncer } from './live/live-announcer';
import { LiveEventBus } from './live/live-message';
import { MemoryLiveEventBus } from './live/memory-live-event.bus';
import { RedisLiveEventBus } from './live/redis-live-event.bus';

/**
 * Devices, their positions and events: the entities and writer ingestion uses, and the query API
 * and live stream dashboards read. (A worker process mounts the controller but serves no HTTP.)
 */
@Module({
  imports: [AuthModule],
  controllers: [DevicesController],
  providers: [
    DeviceDataWriter,
    DevicesService,
    PositionExportService,
    DeviceStreamService,
    LiveAnnouncer,
    {
      provide: LiveEventBus,
      inject: [APP_CONFIG, { token: REDIS, optional: true }],
      useFactory: (config: AppConfig, redis?: Redis): LiveEventBus =>
        redis && config.redis.url
          ? new RedisLiveEventBus(redis, config.redis.url, `${config.queue.prefix}:live`)
          : new MemoryLiveEventBus(),
    },
  ],
  exports: [DeviceDataWriter],
})
export class DevicesModule {}

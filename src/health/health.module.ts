import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { QueueBacklogHealthIndicator } from './queue-backlog.health';
import { RedisHealthIndicator } from './redis.health';

@Module({})
export class HealthModule {
  static forRoot(options: { redis: boolean }): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      // Without Redis, ingestion stores inline: there is no queue to fall behind.
      providers: options.redis ? [RedisHealthIndicator, QueueBacklogHealthIndicator] : [],
    };
  }
}

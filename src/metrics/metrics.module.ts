import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { QueueMonitor } from './queue-monitor';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, QueueMonitor],
  exports: [MetricsService, QueueMonitor],
})
export class MetricsModule {}

import { Global, Module, type DynamicModule } from '@nestjs/common';
import { BullModule } from '@nestjs/bull';
import type { AppConfig } from '../config/app-config';
import { QueueConnections } from './queue-connections';
import { QueueConsumers } from './queue-consumers';
import { QueueMonitor } from './queue-monitor';

/**
 * What every queue shares: Bull's Redis connections, present only with REDIS_URL (without, there
 * is no queue: each producer stores its jobs before the API answers), and the monitor of the
 * queues' depth, for the metrics and the readiness check. Each feature registers its own queue,
 * with a producer and a processor on top of `QueueProducer` and `QueueProcessor`.
 */
@Global()
@Module({})
export class QueueModule {
  static forRoot(config: AppConfig): DynamicModule {
    const url = config.redis.url;
    return {
      module: QueueModule,
      imports: url
        ? [
            BullModule.forRootAsync({
              inject: [QueueConnections],
              useFactory: (connections: QueueConnections) => connections.options(config.queue),
            }),
          ]
        : [],
      providers: [
        QueueMonitor,
        QueueConsumers,
        ...(url
          ? [{ provide: QueueConnections, useFactory: () => new QueueConnections(url) }]
          : []),
      ],
      // Exported for Bull's root options above, which are resolved outside this module.
      exports: [QueueMonitor, QueueConsumers, ...(url ? [QueueConnections] : [])],
    };
  }
}

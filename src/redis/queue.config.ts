import type { BullRootModuleOptions } from '@nestjs/bull';
import Redis from 'ioredis';
import type { AppConfig } from '../config/app-config';
import { createRedisClient } from './redis.module';

/**
 * Bull's connections. The command client fails fast while Redis is down (no offline queue), so a
 * producer never buffers a job it has not stored; the blocking and subscriber connections wait and
 * reconnect, as Bull requires.
 */
export function queueOptions(
  config: AppConfig & { redis: { url: string } },
): BullRootModuleOptions {
  return {
    prefix: config.queue.prefix,
    createClient: (type) =>
      type === 'client'
        ? createRedisClient(config.redis.url, 'queue')
        : new Redis(config.redis.url, {
            connectionName: `fleethub:queue-${type}`,
            maxRetriesPerRequest: null,
            enableReadyCheck: false,
          }),
  };
}

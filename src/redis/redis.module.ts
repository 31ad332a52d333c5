import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import Redis from 'ioredis';

export const REDIS = Symbol('REDIS');

/**
 * Commands fail at once while the connection is down (no offline queue): a caller waiting on
 * Redis gets an error it can answer, never a hung request.
 */
export function createRedisClient(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: `fleethub:${name}`,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
  });
}

@Injectable()
class RedisShutdown implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** The shared Redis connection, present only when REDIS_URL is set. */
@Global()
@Module({})
export class RedisModule {
  static forRoot(url: string): DynamicModule {
    return {
      module: RedisModule,
      providers: [
        { provide: REDIS, useFactory: () => createRedisClient(url, 'shared') },
        RedisShutdown,
      ],
      exports: [REDIS],
    };
  }
}

import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { BullRootModuleOptions } from '@nestjs/bull';
import Redis from 'ioredis';
import type { AppConfig } from '../config/app-config';
import { DISCONNECT_TIMEOUT_MS, createRedisClient } from '../redis/redis-client';

/**
 * Bull's connections. The command client fails fast while Redis is down (no offline queue), so a
 * producer never buffers a job it has not stored; the blocking and subscriber connections wait and
 * reconnect, as Bull requires.
 *
 * Bull closes only the connections it opens itself, not those of a `createClient`: this provider
 * keeps every one it hands out and closes them when the application shuts down.
 */
@Injectable()
export class QueueConnections implements OnApplicationShutdown {
  private readonly clients: Redis[] = [];

  constructor(private readonly url: string) {}

  options({
    prefix,
    lockMs,
  }: Pick<AppConfig['queue'], 'prefix' | 'lockMs'>): BullRootModuleOptions {
    return {
      prefix,
      createClient: (type) => this.open(type),
      // Abandoned jobs (their worker died) are looked for as often as a lock can expire, so they
      // wait at most about two lock durations before another worker takes them.
      settings: { lockDuration: lockMs, stalledInterval: lockMs },
    };
  }

  private open(type: 'client' | 'subscriber' | 'bclient'): Redis {
    const client =
      type === 'client'
        ? createRedisClient(this.url, 'queue')
        : new Redis(this.url, {
            connectionName: `fleethub:queue-${type}`,
            maxRetriesPerRequest: null,
            enableReadyCheck: false,
            disconnectTimeout: DISCONNECT_TIMEOUT_MS,
          });
    if (type === 'bclient') letGoOfBullsWorkerName(client);
    this.clients.push(client);
    return client;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.quit().catch(() => client.disconnect())));
  }
}

/**
 * Bull names its blocking connection with a CLIENT SETNAME it neither awaits nor catches (started
 * by `queue.process`). When the application stops while that connection is still connecting, the
 * SETNAME waiting in its offline queue is rejected with "Connection is closed." as the connection
 * closes, and the rejection goes unhandled. The name only labels the connection in CLIENT LIST:
 * its failure is let go here.
 */
function letGoOfBullsWorkerName(client: Redis): void {
  const send = client.client.bind(client) as (...args: unknown[]) => Promise<unknown>;
  client.client = ((...args: unknown[]) => {
    const reply = send(...args);
    return String(args[0]).toLowerCase() === 'setname' ? reply.catch(() => null) : reply;
  }) as Redis['client'];
}

import Redis from 'ioredis';

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
    enableAutoPipelining: true,
  });
}

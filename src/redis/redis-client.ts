import Redis from 'ioredis';

/**
 * How long a client being closed waits for its socket to close before destroying it (ioredis
 * waits 2 s). Closing a client while its Redis is unreachable, ioredis waits this long for the
 * close of a socket that is already gone, and the wait keeps the process alive: with the default,
 * every shutdown without Redis lingers 2 s. A close handshake takes well under this.
 */
export const DISCONNECT_TIMEOUT_MS = 100;

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
    disconnectTimeout: DISCONNECT_TIMEOUT_MS,
    enableAutoPipelining: true,
  });
}

import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { withTimeout } from '../common/with-timeout';

/**
 * A Lua script run by its SHA-1 (EVALSHA), sent whole (EVAL, which also caches it) only when
 * Redis does not know it yet, e.g. after a restart or a SCRIPT FLUSH: one round trip in the
 * common case, and the shared client is left untouched (no `defineCommand`).
 */
export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Rejects after `timeoutMs` rather than leave a request hanging on a stalled Redis. */
  async run(
    redis: Redis,
    keys: readonly string[],
    args: readonly (string | number)[],
    timeoutMs: number,
  ): Promise<unknown> {
    return withTimeout(this.evaluate(redis, keys, args), timeoutMs, 'A Redis script');
  }

  private async evaluate(
    redis: Redis,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

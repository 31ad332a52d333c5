import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectThrottlerStorage, type ThrottlerStorage } from '@nestjs/throttler';
import type { Request } from 'express';
import { LRUCache } from 'lru-cache';
import { hash } from 'node:crypto';
import { ApiError } from '../common/errors/api-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

const WINDOW_MS = 60_000;
const THROTTLER_NAME = 'auth-failures';
const WARNING_INTERVAL_MS = 10_000;

/** A missing or refused credential; not a 503 (the credential store could not answer). */
const isAuthFailure = (error: unknown) =>
  error instanceof ApiError && (error.code === 'UNAUTHORIZED' || error.code === 'BAD_REQUEST');

/** The client address (behind trusted proxies, the one they name: TRUST_PROXY). */
const clientAddress = (request: Request) => request.ip ?? request.socket.remoteAddress ?? 'unknown';

/**
 * Limits failed authentication per client address: RATE_LIMIT_AUTH_FAILURES_PER_MINUTE failures
 * (missing or wrong credentials), then the address is refused with 429 for a minute before any
 * credential of its is verified. Unauthenticated traffic is thus limited by where it comes from,
 * never in the bucket of the tenant it names, and guessing credentials (or making the server hash
 * passwords) stays cheap to refuse.
 *
 * Failures are counted in @nestjs/throttler's storage, shared by every API process when Redis is
 * configured. A process learns that an address is blocked when it counts one of its failures and
 * then refuses it from memory: a blocked address costs each process one more verification at most,
 * and nothing is paid on the way of requests that authenticate. When the storage cannot answer,
 * failures go uncounted (fail open, logged): this limit guards against abuse, and the routes
 * behind it do not need Redis.
 */
@Injectable()
export class FailedAuthLimiter {
  private readonly logger = new Logger(FailedAuthLimiter.name);
  private readonly blockedUntil = new LRUCache<string, number>({ max: 10_000 });
  private readonly limit: number;
  private lastWarningAt = -Infinity;

  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.limit = config.rateLimit.authFailuresPerMinute;
  }

  /**
   * Runs `authenticate` unless the request's address is blocked (429), and counts its failure if
   * it fails.
   */
  async guard<T>(request: Request, authenticate: () => Promise<T>): Promise<T> {
    const address = clientAddress(request);
    const until = this.blockedUntil.get(address) ?? 0;
    if (until > Date.now()) throw tooManyFailures(this.limit, until);
    try {
      return await authenticate();
    } catch (error) {
      if (isAuthFailure(error)) await this.countFailure(address);
      throw error;
    }
  }

  private async countFailure(address: string): Promise<void> {
    const key = `${THROTTLER_NAME}:${hash('sha256', address, 'hex')}`;
    try {
      // The storage blocks past `limit` hits; the failure that reaches the limit blocks here, so
      // that no more than `limit` failures a minute are ever verified.
      const record = await this.storage.increment(
        key,
        WINDOW_MS,
        this.limit - 1,
        WINDOW_MS,
        THROTTLER_NAME,
      );
      if (record.isBlocked) {
        const until = Date.now() + record.timeToBlockExpire * 1000;
        this.blockedUntil.set(address, until, { ttl: until - Date.now() });
      }
    } catch (error) {
      if (Date.now() - this.lastWarningAt > WARNING_INTERVAL_MS) {
        this.lastWarningAt = Date.now();
        this.logger.warn(`Failed authentication not counted: ${String(error)}`);
      }
    }
  }
}

function tooManyFailures(limit: number, until: number): ApiError {
  const retryAfterSeconds = Math.max(1, Math.ceil((until - Date.now()) / 1000));
  return new ApiError(
    'RATE_LIMITED',
    `Too many failed authentications from this address: at most ${limit} per minute; ` +
      `retry in ${retryAfterSeconds} s`,
    { bucket: 'auth-failures', limit, remaining: 0, retryAfterSeconds },
    { 'Retry-After': String(retryAfterSeconds) },
  );
}

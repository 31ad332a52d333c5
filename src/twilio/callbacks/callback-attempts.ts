import { Inject, Injectable, Logger } from '@nestjs/common';
import { TenantAuthTokens } from '../../auth/tenant-auth-tokens.service';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import type { CallbackState } from '../entities/callback-delivery.entity';
import { CallbackLog } from './callback-log';
import {
  sendCallback,
  type CallbackOutcome,
  type CallbackRequestOptions,
} from './callback-request';
import type { DeliverCallbackJob } from './callback.queue';

/** How an attempt left its callback: to be tried again later, or finished (delivered or given up). */
export type AttemptResult = 'retry' | 'finished';

/** A tenant with no sealed auth token (see `TenantAuthTokens.authTokenOf`) cannot be signed for. */
const NO_AUTH_TOKEN: CallbackOutcome = {
  delivered: false,
  status: null,
  error: 'AuthTokenUnavailable',
  retryable: false,
};

/**
 * One attempt at a callback, recorded: counted before it is made, its outcome and the state it
 * leaves written after. The queue's processor and the in-process queue both run it.
 */
@Injectable()
export class CallbackAttempts {
  private readonly logger = new Logger(CallbackAttempts.name);
  private readonly maxAttempts: number;
  private readonly options: CallbackRequestOptions;

  constructor(
    private readonly log: CallbackLog,
    private readonly authTokens: TenantAuthTokens,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.maxAttempts = config.callbacks.maxAttempts;
    this.options = {
      timeoutMs: config.callbacks.timeoutMs,
      allowPrivate: config.callbacks.allowPrivate,
    };
  }

  async attempt(job: DeliverCallbackJob): Promise<AttemptResult> {
    const attempts = await this.log.beginAttempt(job.deliveryId);
    // Already delivered or given up: this job ran before, and a callback is sent once.
    if (attempts === undefined) return 'finished';
    const authToken = await this.authTokens.authTokenOf(job.tenantId);
    const outcome = authToken
      ? await sendCallback(
          {
            url: job.url,
            method: job.method,
            params: job.params,
            authToken,
            idempotencyToken: job.deliveryId,
          },
          this.options,
        )
      : NO_AUTH_TOKEN;
    const retry = !outcome.delivered && outcome.retryable && attempts < this.maxAttempts;
    const state: CallbackState = outcome.delivered ? 'delivered' : retry ? 'pending' : 'given_up';
    await this.log.endAttempt(job.deliveryId, state, outcome);
    if (state === 'given_up') {
      this.logger.warn(
        `Callback ${job.deliveryId} about ${job.about} (request ${job.requestId}) given up after ` +
          `${attempts} attempt${attempts === 1 ? '' : 's'}: ${outcome.error ?? `HTTP ${outcome.status}`}`,
      );
    }
    return retry ? 'retry' : 'finished';
  }
}

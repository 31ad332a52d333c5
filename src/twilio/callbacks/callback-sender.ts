import { Injectable, Logger } from '@nestjs/common';
import type { CallbackMethod } from '../entities/callback-delivery.entity';
import { CallbackLog } from './callback-log';
import { parseCallbackUrl, recordedUrl } from './callback-url';
import { CallbackProducer } from './callback.producer';

/** A callback to send on a tenant's behalf. */
export interface ScheduledCallback {
  tenantId: string;
  /** http or https; credentials in it are sent as HTTP Basic, never recorded. */
  url: string;
  method: CallbackMethod;
  /** Form parameters (POST) or query parameters (GET), signed either way. */
  params: Record<string, string>;
  /** The SID of the resource the callback reports on. */
  about: string;
  /** The request or job it comes from, to follow it through the logs; default: the delivery's id. */
  requestId?: string;
}

/**
 * Sends callbacks as Twilio does (signed with the tenant's auth token), durably: recorded, then
 * queued; delivered by a worker (or without Redis, in the background of this process), retried
 * with backoff, and given up after CALLBACK_MAX_ATTEMPTS. Every Twilio-compatible API uses it.
 */
@Injectable()
export class CallbackSender {
  private readonly logger = new Logger(CallbackSender.name);

  constructor(
    private readonly log: CallbackLog,
    private readonly producer: CallbackProducer,
  ) {}

  /**
   * Resolves with the callback's delivery id once it is recorded and queued. A URL that is not
   * http(s) is refused with `InvalidCallbackUrlError` (a 400); a queue that cannot take the
   * callback, with a 503, and nothing is recorded.
   */
  async schedule(callback: ScheduledCallback): Promise<string> {
    const url = parseCallbackUrl(callback.url);
    const { tenantId, about, method, params } = callback;
    const deliveryId = await this.log.open({ tenantId, about, url: recordedUrl(url), method });
    try {
      await this.producer.add({
        deliveryId,
        requestId: callback.requestId ?? deliveryId,
        tenantId,
        about,
        url: url.href,
        method,
        params,
      });
    } catch (error) {
      await this.log
        .forget(deliveryId)
        .catch((forgetError: unknown) =>
          this.logger.warn(
            `Callback ${deliveryId} was not queued and stays recorded as pending: ${String(forgetError)}`,
          ),
        );
      throw error;
    }
    return deliveryId;
  }
}

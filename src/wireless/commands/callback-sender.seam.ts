import { Injectable, Logger } from '@nestjs/common';
import type { HttpMethod } from '../entities/sim.entity';

/** A callback to send on a tenant's behalf, as the Twilio APIs' callback sender takes it. */
export interface ScheduledCallback {
  tenantId: string;
  url: string;
  method: HttpMethod;
  params: Record<string, string>;
  /** The SID of the resource the callback reports on. */
  about: string;
  requestId?: string;
}

/**
 * SEAM, until the outbound callback sender of the Twilio-compatible APIs (signed, durable,
 * retried) is merged: the same method, which only logs what it would send. Replace it with that
 * sender; nothing else changes.
 */
@Injectable()
export class CallbackSender {
  private readonly logger = new Logger(CallbackSender.name);

  schedule(callback: ScheduledCallback): Promise<string> {
    this.logger.warn(
      `No callback sender yet: ${callback.method} callback about ${callback.about} not sent`,
    );
    return Promise.resolve(callback.about);
  }
}

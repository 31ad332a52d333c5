import { Inject, Injectable, Logger } from '@nestjs/common';
import type { TenantPrincipal } from '../auth/principal';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { NorthboundProducer } from './northbound.producer';
import type { DroppedValue } from './northbound.queue';
import { readTrackerMessage } from './tracker-message.reader';

export interface ReceivedMessage {
  /** The parsed JSON body. */
  body: unknown;
  requestId: string;
  receivedAt: number;
}

/** What was taken of an accepted message: whose it is, and what was dropped. */
export interface AcceptedMessage {
  trackerId: string;
  warnings: DroppedValue[];
}

/** The northbound hot path: read the message, hand it to the producer, report what was dropped. */
@Injectable()
export class NorthboundIntakeService {
  private readonly logger = new Logger(NorthboundIntakeService.name);

  constructor(
    private readonly producer: NorthboundProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async accept(tenant: TenantPrincipal, received: ReceivedMessage): Promise<AcceptedMessage> {
    const { reading, message, warnings } = readTrackerMessage(
      received.body,
      received.receivedAt,
      this.config.deviceTime,
    );
    await this.producer.add({
      tenantId: tenant.tenantId,
      requestId: received.requestId,
      receivedAt: new Date(received.receivedAt).toISOString(),
      reading,
      message,
      warnings,
    });
    if (warnings.length > 0) {
      this.logger.warn(
        `Stored a message of tracker ${reading.trackerId} without ${warnings.length} impossible value(s) ` +
          `(request ${received.requestId}): ${warnings.map((w) => w.field).join(', ')}`,
      );
    }
    return { trackerId: reading.trackerId, warnings };
  }
}

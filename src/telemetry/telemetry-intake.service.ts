import { Injectable } from '@nestjs/common';
import type { ApiPrincipal } from '../auth/principal';
import type { TelemetryPoint } from './telemetry-point.schema';
import { TelemetryBatchValidator } from './telemetry-batch.validator';
import { TelemetryProducer } from './telemetry.producer';

export interface ReceivedBatch {
  /** The parsed JSON body. */
  body: unknown;
  /** The text the body was parsed from (`JsonBodyGuard`'s `bodyText`): forwarded without re-serialising. */
  raw?: string;
  requestId: string;
  receivedAt: number;
}

/** The ingestion hot path: validate the whole batch, hand it to the producer. */
@Injectable()
export class TelemetryIntakeService {
  constructor(
    private readonly validator: TelemetryBatchValidator,
    private readonly producer: TelemetryProducer,
  ) {}

  /** The batch's points, once queued (embedded: stored). */
  async accept(principal: ApiPrincipal, batch: ReceivedBatch): Promise<TelemetryPoint[]> {
    const points = this.validator.validate(batch.body, batch.receivedAt);
    await this.producer.add({
      tenantId: principal.tenantId,
      requestId: batch.requestId,
      receivedAt: new Date(batch.receivedAt).toISOString(),
      points: batch.raw ?? JSON.stringify(points),
    });
    return points;
  }
}

import { Injectable } from '@nestjs/common';
import type {
  DeviceDataBatch,
  EventInput,
  PositionInput,
  WriteResult,
} from '../devices/device-data';
import { DeviceDataWriter } from '../devices/device-data.writer';
import { MetricsService } from '../metrics/metrics.service';
import { UnprocessableJobError } from '../queue/unprocessable-job.error';
import { EVENT_CODES, POSITION_REPORT_CODES, type EventCode } from './event-codes';
import type { TelemetryPoint } from './telemetry-point.schema';
import type { IngestTelemetryJob } from './telemetry.queue';

const optionalNumber = (value: string | undefined) => (value === undefined ? null : Number(value));

function toPosition(point: TelemetryPoint): PositionInput {
  return {
    deviceExternalId: point.imei,
    recordedAt: `${point.datetime}Z`,
    eventcode: point.eventcode,
    fix: point.fix,
    lat: Number(point.latitude),
    lon: Number(point.longitude),
    altitude: point.altitude,
    speed: point.speed,
    heading: point.heading,
    satellites: point.satellites ?? null,
    ignition: point.ignition ?? null,
    accuracy: optionalNumber(point.accuracy),
    odometer: optionalNumber(point.odometer),
    horometer: point.horometer ?? null,
    address: point.address ?? null,
  };
}

function toEvent(point: TelemetryPoint): EventInput {
  // The API validated the code; a job that names another was not written by it.
  const type = EVENT_CODES[point.eventcode as EventCode] as string | undefined;
  if (type === undefined) {
    throw new UnprocessableJobError(`Unknown event code "${String(point.eventcode)}"`);
  }
  return {
    deviceExternalId: point.imei,
    occurredAt: `${point.datetime}Z`,
    type,
    code: point.eventcode,
    data: {
      fix: point.fix,
      lat: Number(point.latitude),
      lon: Number(point.longitude),
      speed: point.speed,
    },
  };
}

/**
 * Stores one accepted telemetry batch: every point as a position, and every point whose code is
 * not a periodic position report also as a device event. Idempotent: a retried job stores nothing twice.
 */
@Injectable()
export class TelemetryStorageService {
  constructor(
    private readonly writer: DeviceDataWriter,
    private readonly metrics: MetricsService,
  ) {}

  /** Stores several jobs in one statement (a worker's coalesced group). */
  async store(jobs: IngestTelemetryJob[]): Promise<WriteResult> {
    const written = await this.writer.write(jobs.map(toBatch));
    this.metrics.rowsWritten(written);
    return written;
  }
}

function parsePoints(job: IngestTelemetryJob): TelemetryPoint[] {
  try {
    return JSON.parse(job.points) as TelemetryPoint[];
  } catch (error) {
    throw new UnprocessableJobError(`The job's points are not JSON: ${String(error)}`);
  }
}

function toBatch(job: IngestTelemetryJob): DeviceDataBatch {
  const positions: PositionInput[] = [];
  const events: EventInput[] = [];
  for (const point of parsePoints(job)) {
    positions.push(toPosition(point));
    if (!POSITION_REPORT_CODES.has(point.eventcode)) events.push(toEvent(point));
  }
  return {
    tenantId: job.tenantId,
    kind: 'tracker',
    source: 'telemetry',
    receivedAt: job.receivedAt,
    positions,
    events,
  };
}

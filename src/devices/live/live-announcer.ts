import { Injectable, Logger } from '@nestjs/common';
import type { DeviceDataBatch, PositionInput, WriteResult } from '../device-data';
import type { DeviceEventDto } from '../dto/device-event.response';
import type { PositionDto } from '../dto/position.response';
import { LiveEventBus, type LiveDraft } from './live-message';

const iso = (time: string) => new Date(time).toISOString();

function positionView(position: PositionInput, batch: DeviceDataBatch): PositionDto {
  return {
    recordedAt: iso(position.recordedAt),
    receivedAt: iso(batch.receivedAt),
    eventcode: position.eventcode,
    fix: position.fix,
    lat: position.lat,
    lon: position.lon,
    altitude: position.altitude ?? null,
    speed: position.speed ?? null,
    heading: position.heading ?? null,
    satellites: position.satellites ?? null,
    ignition: position.ignition ?? null,
    accuracy: position.accuracy ?? null,
    odometer: position.odometer ?? null,
    horometer: position.horometer ?? null,
    address: position.address ?? null,
    temperature: position.temperature ?? null,
    battery: position.battery ?? null,
    source: batch.source,
    extra: position.extra ?? null,
  };
}

function drafts(batch: DeviceDataBatch): LiveDraft[] {
  const { kind } = batch;
  return [
    ...batch.positions.map((position): LiveDraft => {
      const deviceId = position.deviceExternalId;
      const data = { deviceId, kind, position: positionView(position, batch) };
      return { type: 'position', deviceId, data: JSON.stringify(data) };
    }),
    ...batch.events.map((event): LiveDraft => {
      const deviceId = event.deviceExternalId;
      const view: DeviceEventDto = {
        occurredAt: iso(event.occurredAt),
        type: event.type,
        code: event.code ?? null,
        source: batch.source,
        receivedAt: iso(batch.receivedAt),
        data: event.data ?? null,
      };
      return { type: 'event', deviceId, data: JSON.stringify({ deviceId, kind, event: view }) };
    }),
  ];
}

/** Batches the writer has committed, and how many of their rows were new. */
export interface CommittedWrite {
  batches: DeviceDataBatch[];
  result: WriteResult;
}

/**
 * Tells live streams what the device data writer has committed, so a client never sees a position
 * that a reload would not show: the writer calls it once its transaction (or its caller's) has
 * committed, never for one that rolled back.
 *
 * Only tenants a stream watches are announced (`LiveEventBus.watched`), the others cost nothing.
 * A write that stored nothing new (a replay) is not announced; a partly new one is announced
 * whole, and clients can tell repeats by their natural key (device, time, event code). Never
 * throws: the data is stored whatever becomes of its announcement.
 */
@Injectable()
export class LiveAnnouncer {
  private readonly logger = new Logger(LiveAnnouncer.name);

  constructor(private readonly bus: LiveEventBus) {}

  async announce(writes: CommittedWrite[]): Promise<void> {
    const batches = writes
      .filter(({ result }) => result.positions + result.events > 0)
      .flatMap((write) => write.batches);
    if (batches.length === 0) return;
    let watched: Set<string>;
    try {
      watched = await this.bus.watched([...new Set(batches.map((batch) => batch.tenantId))]);
    } catch (error) {
      this.logger.warn(`Live stream not told of new rows: ${String(error)}`);
      return;
    }
    const byTenant = new Map<string, LiveDraft[]>();
    try {
      for (const batch of batches) {
        if (!watched.has(batch.tenantId)) continue;
        const tenantDrafts = byTenant.get(batch.tenantId) ?? [];
        byTenant.set(batch.tenantId, tenantDrafts);
        tenantDrafts.push(...drafts(batch));
      }
    } catch (error) {
      this.logger.warn(`Live stream not told of new rows: ${String(error)}`);
      return;
    }
    await Promise.all(
      [...byTenant].map(([tenantId, tenantDrafts]) =>
        this.bus
          .publish(tenantId, tenantDrafts)
          .catch((error: unknown) =>
            this.logger.warn(
              `Live stream not told of ${tenantDrafts.length} new rows: ${String(error)}`,
            ),
          ),
      ),
    );
  }
}

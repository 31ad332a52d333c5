import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DataSource,
  type EntityManager,
  type EntitySubscriberInterface,
  type TransactionCommitEvent,
  type TransactionRollbackEvent,
} from 'typeorm';
import type { DeviceDataBatch, PositionInput, WriteResult } from '../device-data.writer';
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

type Announcement = { batches: DeviceDataBatch[]; result: WriteResult };

/** Where a transaction keeps what it will announce once (and if) it commits. */
const PENDING = Symbol('live announcements');
type TransactionData = { [PENDING]?: Announcement[] };

/**
 * Tells live streams what the writer has stored, once it is committed, so a client never sees a
 * position that a reload would not show: at once after a statement of its own, or after the
 * caller's transaction commits when the writer ran inside one (a TypeORM transaction subscriber,
 * registered as the Nest docs show); nothing if that transaction rolls back.
 *
 * Only tenants a stream watches are announced (`LiveEventBus.watched`), the others cost nothing.
 * A write that stored nothing new (a replay) is not announced; a partly new one is announced
 * whole, and clients can tell repeats by their natural key (device, time, event code). Never
 * throws: the data is stored whatever becomes of its announcement.
 */
@Injectable()
export class LivePublisher implements EntitySubscriberInterface {
  private readonly logger = new Logger(LivePublisher.name);

  constructor(
    private readonly bus: LiveEventBus,
    @InjectDataSource() dataSource: DataSource,
  ) {
    dataSource.subscribers.push(this);
  }

  async committed(
    batches: DeviceDataBatch[],
    result: WriteResult,
    manager?: EntityManager,
  ): Promise<void> {
    if (result.positions + result.events === 0) return;
    const transaction = manager?.queryRunner;
    if (transaction?.isTransactionActive) {
      const data = transaction.data as TransactionData;
      (data[PENDING] ??= []).push({ batches, result });
      return;
    }
    await this.announce([{ batches, result }]);
  }

  async afterTransactionCommit({ queryRunner }: TransactionCommitEvent): Promise<void> {
    // A savepoint released inside the transaction commits nothing yet.
    if (queryRunner.isTransactionActive) return;
    const data = queryRunner.data as TransactionData;
    const pending = data[PENDING];
    delete data[PENDING];
    if (pending) await this.announce(pending);
  }

  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    if (!queryRunner.isTransactionActive) delete (queryRunner.data as TransactionData)[PENDING];
  }

  private async announce(announcements: Announcement[]): Promise<void> {
    const batches = announcements.flatMap((announcement) => announcement.batches);
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

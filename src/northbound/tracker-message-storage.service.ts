import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { DeviceDataBatch } from '../devices/device-data';
import { DeviceDataWriter } from '../devices/device-data.writer';
import { MetricsService, type RowsWritten } from '../metrics/metrics.service';
import type { StoreTrackerMessageJob } from './northbound.queue';

/** Stands in for the location method when the message's `type` was dropped. */
const UNKNOWN_LOCATION_TYPE = 'unknown';

interface MessageRow {
  job: StoreTrackerMessageJob;
  bodyHash: string;
}

/** The natural key of `tracker_messages`, as text. */
const keyOf = (tenantId: string, trackerId: string, recordedAt: Date, bodyHash: string) =>
  `${tenantId}/${trackerId}/${recordedAt.toISOString()}/${bodyHash}`;

/**
 * Stores accepted tracker messages. In one transaction: the messages new to the database are
 * inserted (one per tenant, tracker, time and body hash), and only those go on to the device data
 * writer, as the tracker (a device of kind `asset-tracker`), its position, its reported state and
 * its alerts. A replayed or duplicated message therefore stores nothing twice, and a late one never
 * moves the tracker's state backwards (the writer only moves it forward by device time).
 */
@Injectable()
export class TrackerMessageStorageService {
  constructor(
    private readonly writer: DeviceDataWriter,
    private readonly metrics: MetricsService,
  ) {}

  /** Stores several jobs at once (a worker's coalesced group). Returns how many messages were new. */
  async store(jobs: StoreTrackerMessageJob[]): Promise<number> {
    const rows = new Map<string, MessageRow>();
    for (const job of jobs) {
      const bodyHash = createHash('sha256').update(job.message).digest('hex');
      const recordedAt = new Date(job.reading.recordedAt);
      rows.set(keyOf(job.tenantId, job.reading.trackerId, recordedAt, bodyHash), { job, bodyHash });
    }
    const written = await this.writer.inTransaction(
      async (manager, write): Promise<Required<RowsWritten>> => {
        const inserted: InsertedKey[] = await manager.query(INSERT_MESSAGES_SQL, [
          JSON.stringify([...rows.values()].map(toRow)),
        ]);
        const fresh = inserted.map(
          (row) =>
            rows.get(keyOf(row.tenant_id, row.tracker_id, row.recorded_at, row.body_hash))!.job,
        );
        if (fresh.length === 0) return { messages: 0, positions: 0, events: 0 };
        const devices = await write(fresh.map(toBatch));
        return { messages: fresh.length, ...devices };
      },
    );
    // Counted once committed: the rows of a transaction that rolled back were never stored.
    this.metrics.rowsWritten(written);
    return written.messages;
  }
}

interface InsertedKey {
  tenant_id: string;
  tracker_id: string;
  recorded_at: Date;
  body_hash: string;
}

function toRow({ job, bodyHash }: MessageRow) {
  const { reading } = job;
  return {
    tenantId: job.tenantId,
    trackerId: reading.trackerId,
    recordedAt: reading.recordedAt,
    bodyHash,
    receivedAt: job.receivedAt,
    ...reading.status,
    ...reading.sensors,
    cellInfo: reading.cellInfo,
    gnssInfo: reading.gnssInfo,
    warnings: job.warnings.length > 0 ? job.warnings : null,
    message: job.message,
  };
}

function toBatch({ tenantId, receivedAt, reading }: StoreTrackerMessageJob): DeviceDataBatch {
  const { trackerId, location } = reading;
  return {
    tenantId,
    kind: 'asset-tracker',
    source: 'northbound',
    receivedAt,
    positions: location
      ? [
          {
            deviceExternalId: trackerId,
            recordedAt: location.recordedAt,
            // The location method plays the event code's part: the natural key (tracker, time,
            // method) stores once the location the tracker repeats in every message until it moves.
            eventcode: location.type ?? UNKNOWN_LOCATION_TYPE,
            fix: location.type === 'gnss',
            lat: location.lat,
            lon: location.lon,
            accuracy: location.accuracy,
          },
        ]
      : [],
    events: reading.alerts.map((alert) => ({
      deviceExternalId: trackerId,
      occurredAt: reading.recordedAt,
      type: alert,
      data: location
        ? {
            lat: location.lat,
            lon: location.lon,
            accuracy: location.accuracy,
            locatedAt: location.recordedAt,
          }
        : null,
    })),
    states: [
      {
        deviceExternalId: trackerId,
        reportedAt: reading.recordedAt,
        status: { ...reading.status },
        sensors: { ...reading.sensors },
      },
    ],
  };
}

// Sorted by the key, so concurrent transactions inserting overlapping messages lock in one order.
const INSERT_MESSAGES_SQL = `
INSERT INTO tracker_messages (tenant_id, tracker_id, recorded_at, body_hash, received_at,
  in_motion, in_geofence, repossession, temperature, battery_level, cell_info, gnss_info,
  warnings, message)
SELECT m."tenantId", m."trackerId", m."recordedAt", decode(m."bodyHash", 'hex'), m."receivedAt",
  m."inMotion", m."inGeofence", m.repossession, m.temperature, m."batteryLevel", m."cellInfo",
  m."gnssInfo", m.warnings, m.message::jsonb
FROM json_to_recordset($1::json) AS m("tenantId" uuid, "trackerId" text, "recordedAt" timestamptz,
  "bodyHash" text, "receivedAt" timestamptz, "inMotion" boolean, "inGeofence" boolean,
  repossession boolean, temperature float8, "batteryLevel" float8, "cellInfo" jsonb,
  "gnssInfo" jsonb, warnings jsonb, message text)
ORDER BY 1, 2, 3, 4
ON CONFLICT DO NOTHING
RETURNING tenant_id, tracker_id, recorded_at, encode(body_hash, 'hex') AS body_hash`;

import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { answerBodyBytes, requestBodyBytes } from './exchange-bytes';
import { splitBytes } from './split-bytes';

const HOUR_MS = 3_600_000;

/** What one device of a tenant sent and received through the API in one hour. */
export interface DeviceTraffic {
  tenantId: string;
  /** The device's external id: a telemetry IMEI or an Asset Tracker's trackerId. */
  deviceId: string;
  /** The hour the exchanges were answered in (epoch ms, on the hour, UTC). */
  hour: number;
  /** When the first and the last of those exchanges were answered (epoch ms). */
  firstAt: number;
  lastAt: number;
  /** Request body bytes. */
  uploadBytes: number;
  /** Answer body bytes. */
  downloadBytes: number;
  /** Requests. */
  uploadPackets: number;
  /** Answers. */
  downloadPackets: number;
}

/**
 * Counts, in memory, the bytes each device sends to the ingestion routes and receives from them,
 * per tenant, device and hour. The request path only registers a listener: the exchange is counted
 * when its answer has been sent, and whoever stores the counts takes them with `drain()`.
 */
@Injectable()
export class TrafficMeter {
  private counts = new Map<string, DeviceTraffic>();

  /**
   * Counts `request`'s exchange once its answer is sent. `itemDevices` names the device of each
   * item the request carries (a telemetry batch: one entry per point): a device's share of the
   * bytes is its share of the items; each device carried counts one request and one answer.
   */
  countExchange(
    request: Request & { rawBody?: Buffer },
    tenantId: string,
    itemDevices: readonly string[],
  ): void {
    const response = request.res;
    if (!response || itemDevices.length === 0) return;
    response.once('finish', () =>
      this.record(
        tenantId,
        itemDevices,
        requestBodyBytes(request),
        answerBodyBytes(response),
        Date.now(),
      ),
    );
  }

  /** Adds one exchange answered at `at` (epoch ms). */
  record(
    tenantId: string,
    itemDevices: readonly string[],
    uploadBytes: number,
    downloadBytes: number,
    at: number,
  ): void {
    const items = new Map<string, number>();
    for (const device of itemDevices) items.set(device, (items.get(device) ?? 0) + 1);
    const devices = [...items.keys()];
    const weights = [...items.values()];
    const uploads = splitBytes(uploadBytes, weights);
    const downloads = splitBytes(downloadBytes, weights);
    const hour = at - (at % HOUR_MS);
    devices.forEach((deviceId, index) =>
      this.add({
        tenantId,
        deviceId,
        hour,
        firstAt: at,
        lastAt: at,
        uploadBytes: uploads[index],
        downloadBytes: downloads[index],
        uploadPackets: 1,
        downloadPackets: 1,
      }),
    );
  }

  /** Everything counted since the last drain; the meter starts again from zero. */
  drain(): DeviceTraffic[] {
    const drained = [...this.counts.values()];
    this.counts = new Map();
    return drained;
  }

  /** Puts back drained traffic that could not be stored, to be taken with the next drain. */
  restore(traffic: readonly DeviceTraffic[]): void {
    for (const entry of traffic) this.add({ ...entry });
  }

  private add(entry: DeviceTraffic): void {
    const key = `${entry.tenantId}\n${entry.deviceId}\n${entry.hour}`;
    const counted = this.counts.get(key);
    if (!counted) {
      this.counts.set(key, entry);
      return;
    }
    counted.firstAt = Math.min(counted.firstAt, entry.firstAt);
    counted.lastAt = Math.max(counted.lastAt, entry.lastAt);
    counted.uploadBytes += entry.uploadBytes;
    counted.downloadBytes += entry.downloadBytes;
    counted.uploadPackets += entry.uploadPackets;
    counted.downloadPackets += entry.downloadPackets;
  }
}

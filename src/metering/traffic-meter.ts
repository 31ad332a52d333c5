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

/** A device's counts within its tenant and hour. */
type Counters = Omit<DeviceTraffic, 'tenantId' | 'deviceId' | 'hour'>;

/** One tenant's hour: the counts of each of its devices. */
interface TenantHour {
  tenantId: string;
  hour: number;
  devices: Map<string, Counters>;
}

/**
 * Counts, in memory, the bytes each device sends to the ingestion routes and receives from them,
 * per tenant, device and hour. The request path only registers a listener: the exchange is counted
 * when its answer has been sent, and whoever stores the counts takes them with `drain()`.
 *
 * Counts are grouped by tenant and hour, then by device: a request (one tenant, one hour) looks up
 * its group once, then each of its devices.
 */
@Injectable()
export class TrafficMeter {
  private hours = new Map<string, TenantHour>();

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
    const weights = [...items.values()];
    const uploads = splitBytes(uploadBytes, weights);
    const downloads = splitBytes(downloadBytes, weights);
    const devices = this.devicesOf(tenantId, at - (at % HOUR_MS));
    let index = 0;
    for (const deviceId of items.keys()) {
      add(devices, deviceId, {
        firstAt: at,
        lastAt: at,
        uploadBytes: uploads[index],
        downloadBytes: downloads[index],
        uploadPackets: 1,
        downloadPackets: 1,
      });
      index++;
    }
  }

  /** Everything counted since the last drain; the meter starts again from zero. */
  drain(): DeviceTraffic[] {
    const drained: DeviceTraffic[] = [];
    for (const { tenantId, hour, devices } of this.hours.values()) {
      for (const [deviceId, counters] of devices) {
        drained.push({ tenantId, deviceId, hour, ...counters });
      }
    }
    this.hours = new Map();
    return drained;
  }

  /** Puts back drained traffic that could not be stored, to be taken with the next drain. */
  restore(traffic: readonly DeviceTraffic[]): void {
    for (const { tenantId, deviceId, hour, ...counters } of traffic) {
      add(this.devicesOf(tenantId, hour), deviceId, counters);
    }
  }

  private devicesOf(tenantId: string, hour: number): Map<string, Counters> {
    const key = `${tenantId}\n${hour}`;
    let group = this.hours.get(key);
    if (!group) {
      group = { tenantId, hour, devices: new Map() };
      this.hours.set(key, group);
    }
    return group.devices;
  }
}

/** Adds `counters` to the device's counts; `counters` becomes them when the device has none yet. */
function add(devices: Map<string, Counters>, deviceId: string, counters: Counters): void {
  const counted = devices.get(deviceId);
  if (!counted) {
    devices.set(deviceId, counters);
    return;
  }
  counted.firstAt = Math.min(counted.firstAt, counters.firstAt);
  counted.lastAt = Math.max(counted.lastAt, counters.lastAt);
  counted.uploadBytes += counters.uploadBytes;
  counted.downloadBytes += counters.downloadBytes;
  counted.uploadPackets += counters.uploadPackets;
  counted.downloadPackets += counters.downloadPackets;
}

import type { DeviceDataBatch, DeviceStateInput, PositionInput } from './device-data';
import type { NewPositionRow } from './device-data.sql';
import type { DeviceKind } from './entities/device.entity';

/*
 * What each table gets from a group of batches: one row per device (the upsert), and the rows of
 * positions and events, which need the devices' row ids the upsert returns.
 */

/** How the writer finds a device's row id among those the upsert returned. */
export const deviceKey = (tenantId: string, externalId: string) => `${tenantId}/${externalId}`;

interface DeviceSummary {
  tenantId: string;
  deviceExternalId: string;
  kind: DeviceKind;
  seenAt: string;
  latest?: PositionInput;
  lastFix?: PositionInput;
  /** Device times of `latest` and `lastFix` (epoch ms), so each position's is parsed once. */
  latestMs: number;
  lastFixMs: number;
  state?: DeviceStateInput;
}

const newerState = (a: DeviceStateInput, b: DeviceStateInput | undefined) =>
  !b || Date.parse(a.reportedAt) > Date.parse(b.reportedAt);

/** One row per device: when it was last heard from, and its newest (and newest fixed) position. */
function aggregateDevices(batches: DeviceDataBatch[]): DeviceSummary[] {
  const devices = new Map<string, DeviceSummary>();
  const device = (batch: DeviceDataBatch, externalId: string) => {
    const key = deviceKey(batch.tenantId, externalId);
    let row = devices.get(key);
    if (!row) {
      row = {
        tenantId: batch.tenantId,
        deviceExternalId: externalId,
        kind: batch.kind,
        seenAt: batch.receivedAt,
        latestMs: -Infinity,
        lastFixMs: -Infinity,
      };
      devices.set(key, row);
    }
    if (batch.receivedAt > row.seenAt) row.seenAt = batch.receivedAt;
    return row;
  };
  for (const batch of batches) {
    for (const position of batch.positions) {
      const row = device(batch, position.deviceExternalId);
      const at = Date.parse(position.recordedAt);
      if (at > row.latestMs) {
        row.latest = position;
        row.latestMs = at;
      }
      if (position.fix && at > row.lastFixMs) {
        row.lastFix = position;
        row.lastFixMs = at;
      }
    }
    for (const event of batch.events) device(batch, event.deviceExternalId);
    for (const state of batch.states ?? []) {
      const row = device(batch, state.deviceExternalId);
      if (newerState(state, row.state)) row.state = state;
    }
  }
  // One lock order for every writer, so concurrent statements on the same devices do not deadlock.
  return [...devices.keys()].sort().map((key) => devices.get(key)!);
}

/** What `latest_position` / `last_fix_position` hold: the position without its device id. */
function snapshot(position: PositionInput | undefined): Record<string, unknown> | null {
  if (!position) return null;
  return Object.fromEntries(
    Object.entries(position).filter(
      ([key, value]) => key !== 'deviceExternalId' && value !== undefined && value !== null,
    ),
  );
}

/** The devices' rows, as the upsert's JSON document names them. */
export function deviceRows(batches: DeviceDataBatch[]) {
  return aggregateDevices(batches).map(
    ({ tenantId, deviceExternalId, kind, seenAt, latest, lastFix, state }) => ({
      tenantId,
      deviceExternalId,
      kind,
      seenAt,
      latestAt: latest?.recordedAt,
      latest: snapshot(latest),
      lastFixAt: lastFix?.recordedAt,
      lastFix: snapshot(lastFix),
      stateAt: state?.reportedAt,
      status: state?.status,
      sensors: state?.sensors,
    }),
  );
}

/** The `positions` rows of the batches, by column. */
export function positionRows(
  batches: DeviceDataBatch[],
  ids: Map<string, string>,
): NewPositionRow[] {
  return batches.flatMap(({ tenantId, source, receivedAt, positions }) =>
    positions.map((position) => ({
      device_id: ids.get(deviceKey(tenantId, position.deviceExternalId)),
      recorded_at: position.recordedAt,
      eventcode: position.eventcode,
      tenant_id: tenantId,
      received_at: receivedAt,
      source,
      fix: position.fix,
      lat: position.lat,
      lon: position.lon,
      altitude: position.altitude,
      speed: position.speed,
      heading: position.heading,
      satellites: position.satellites,
      ignition: position.ignition,
      accuracy: position.accuracy,
      odometer: position.odometer,
      horometer: position.horometer,
      address: position.address,
      temperature: position.temperature,
      battery: position.battery,
      extra: position.extra,
    })),
  );
}

/** The `device_events` rows of the batches, as the insert's JSON document names them. */
export function eventRows(batches: DeviceDataBatch[], ids: Map<string, string>) {
  return batches.flatMap(({ tenantId, source, receivedAt, events }) =>
    events.map((event) => ({
      deviceId: ids.get(deviceKey(tenantId, event.deviceExternalId)),
      occurredAt: event.occurredAt,
      type: event.type,
      tenantId,
      code: event.code,
      receivedAt,
      source,
      data: event.data,
    })),
  );
}

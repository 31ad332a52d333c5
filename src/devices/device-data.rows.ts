import { copyValue, type CopyValue } from './copy-text';
import type { DeviceDataBatch, DeviceStateInput, PositionInput } from './device-data';
import type { DeviceKind } from './entities/device.entity';
import type { PositionColumnName } from './position-columns';

/*
 * What each table gets from a group of batches: one row per device (the upsert, which also
 * inserts the events), and the rows of positions, which need the devices' row ids the upsert
 * returns.
 */

/** The devices' row ids the upsert returned, by tenant, then by external id. */
export type DeviceIds = Map<string, Map<string, string>>;

export function deviceIds(
  rows: { id: string; tenant_id: string; external_id: string }[],
): DeviceIds {
  const ids: DeviceIds = new Map();
  for (const row of rows) {
    let tenantIds = ids.get(row.tenant_id);
    if (!tenantIds) ids.set(row.tenant_id, (tenantIds = new Map<string, string>()));
    tenantIds.set(row.external_id, row.id);
  }
  return ids;
}

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
  // By tenant, then by external id: no key to build for each position.
  const tenants = new Map<string, Map<string, DeviceSummary>>();
  for (const batch of batches) {
    let devices = tenants.get(batch.tenantId);
    if (!devices) tenants.set(batch.tenantId, (devices = new Map<string, DeviceSummary>()));
    const device = (externalId: string) => {
      let row = devices.get(externalId);
      if (!row) {
        row = {
          tenantId: batch.tenantId,
          deviceExternalId: externalId,
          kind: batch.kind,
          seenAt: batch.receivedAt,
          latestMs: -Infinity,
          lastFixMs: -Infinity,
        };
        devices.set(externalId, row);
      }
      if (batch.receivedAt > row.seenAt) row.seenAt = batch.receivedAt;
      return row;
    };
    for (const position of batch.positions) {
      const row = device(position.deviceExternalId);
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
    for (const event of batch.events) device(event.deviceExternalId);
    for (const state of batch.states ?? []) {
      const row = device(state.deviceExternalId);
      if (newerState(state, row.state)) row.state = state;
    }
  }
  // One lock order for every writer, so concurrent statements on the same devices do not deadlock.
  const byKey = <T>(entries: Iterable<[string, T]>) =>
    [...entries].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, value]) => value);
  return byKey(tenants).flatMap((devices) => byKey(devices));
}

/** What `latest_position` / `last_fix_position` hold: the position's values, without its device. */
function snapshot(position: PositionInput | undefined): Record<string, unknown> | null {
  if (!position) return null;
  const values: Record<string, unknown> = {};
  let key: keyof PositionInput;
  for (key in position) {
    const value = position[key];
    if (key !== 'deviceExternalId' && value !== undefined && value !== null) values[key] = value;
  }
  return values;
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
      // Most often the latest position is also the last fixed one: it travels once, the upsert
      // reads an absent `lastFix` beside a `lastFixAt` as `latest`.
      lastFix: lastFix === latest ? undefined : snapshot(lastFix),
      stateAt: state?.reportedAt,
      status: state?.status,
      sensors: state?.sensors,
    }),
  );
}

/**
 * The `positions` rows of the batches in COPY's text format, their values in the order of
 * POSITION_COLUMN_NAMES. Every stored point passes here, so the line is written out whole rather
 * than value by value from `positionRows`, at about half the cost; a spec holds the two to the same
 * text.
 */
export function positionCopyText(batches: DeviceDataBatch[], ids: DeviceIds): string {
  let text = '';
  for (const batch of batches) {
    const idOf = ids.get(batch.tenantId)!;
    const tenantId = copyValue(batch.tenantId);
    const receivedAt = copyValue(batch.receivedAt);
    const source = copyValue(batch.source);
    for (const p of batch.positions) {
      text +=
        `${idOf.get(p.deviceExternalId)}\t${tenantId}\t${copyValue(p.recordedAt)}\t${receivedAt}\t` +
        `${copyValue(p.eventcode)}\t${p.fix}\t${p.lat}\t${p.lon}\t${copyValue(p.altitude)}\t` +
        `${copyValue(p.speed)}\t${copyValue(p.heading)}\t${copyValue(p.satellites)}\t` +
        `${copyValue(p.ignition)}\t${copyValue(p.accuracy)}\t${copyValue(p.odometer)}\t` +
        `${copyValue(p.horometer)}\t${copyValue(p.address)}\t${copyValue(p.temperature)}\t` +
        `${copyValue(p.battery)}\t${source}\t${copyValue(p.extra)}\n`;
    }
  }
  return text;
}

/** A row of `positions` to store, by column. */
export type NewPositionRow = Record<PositionColumnName, CopyValue>;

/** The `positions` rows of the batches, by column (the idempotent insert's JSON document). */
export function positionRows(batches: DeviceDataBatch[], ids: DeviceIds): NewPositionRow[] {
  return batches.flatMap(({ tenantId, source, receivedAt, positions }) =>
    positions.map((position) => ({
      device_id: ids.get(tenantId)!.get(position.deviceExternalId),
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

/**
 * The `device_events` rows of the batches, as the upsert's second JSON document names them: by
 * device external id, which the statement turns into the row id of the device it upserts.
 */
export function eventRows(batches: DeviceDataBatch[]) {
  return batches.flatMap(({ tenantId, source, receivedAt, events }) =>
    events.map((event) => ({
      tenantId,
      deviceExternalId: event.deviceExternalId,
      occurredAt: event.occurredAt,
      type: event.type,
      code: event.code,
      receivedAt,
      source,
      data: event.data,
    })),
  );
}

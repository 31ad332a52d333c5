import type { DeviceEventRow, DeviceRow, PositionJsonRow } from './device-reads.sql';
import type { DeviceDto, PositionSnapshotDto } from './dto/device.response';
import type { DeviceEventDto } from './dto/device-event.response';
import type { PositionDto } from './dto/position.response';
import { isoFromMicros } from './iso-from-micros';
import type { PositionRow } from './position-columns';

/** The stored snapshot, with its time taken from the column (exact, and always `Z`). */
function snapshot(
  position: Record<string, unknown> | null,
  micros: string | null,
): PositionSnapshotDto | null {
  if (!position || micros === null) return null;
  return { ...position, recordedAt: isoFromMicros(micros) } as PositionSnapshotDto;
}

export function toDeviceDto(row: DeviceRow): DeviceDto {
  return {
    deviceId: row.external_id,
    kind: row.kind,
    firstSeenAt: isoFromMicros(row.first_seen_us),
    lastSeenAt: isoFromMicros(row.last_seen_us),
    latestPosition: snapshot(row.latest_position, row.latest_us),
    lastFixPosition: snapshot(row.last_fix_position, row.last_fix_us),
    status: row.status,
    sensors: row.sensors,
  };
}

export function toPositionDto(row: PositionRow): PositionDto {
  return {
    recordedAt: isoFromMicros(row.recorded_us),
    receivedAt: isoFromMicros(row.received_us),
    eventcode: row.eventcode,
    fix: row.fix,
    lat: row.lat,
    lon: row.lon,
    altitude: row.altitude,
    speed: row.speed,
    heading: row.heading,
    satellites: row.satellites,
    ignition: row.ignition,
    accuracy: row.accuracy,
    odometer: row.odometer,
    horometer: row.horometer,
    address: row.address,
    temperature: row.temperature,
    battery: row.battery,
    source: row.source,
    extra: row.extra,
  };
}

/**
 * The JSON text of a position page row: exactly `JSON.stringify(toPositionDto(row))` of the same
 * position, its times written here as everywhere else, the other members by PostgreSQL.
 */
export function positionJson(row: PositionJsonRow): string {
  return `{"recordedAt":"${isoFromMicros(row.recorded_us)}","receivedAt":"${isoFromMicros(row.received_us)}",${row.members}}`;
}

export function toDeviceEventDto(row: DeviceEventRow): DeviceEventDto {
  return {
    occurredAt: isoFromMicros(row.occurred_us),
    type: row.type,
    code: row.code,
    source: row.source,
    receivedAt: isoFromMicros(row.received_us),
    data: row.data,
  };
}

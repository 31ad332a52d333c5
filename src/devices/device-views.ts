import type { DeviceEventRow, DeviceRow, PositionRow } from './device-queries';
import type { DeviceDto, PositionSnapshotDto } from './dto/device.response';
import type { DeviceEventDto } from './dto/device-event.response';
import type { PositionDto } from './dto/position.response';

const MICROS_PER_DAY = 86_400_000_000;
const digits = (count: number, width: number) =>
  Array.from({ length: count }, (_, value) => String(value).padStart(width, '0'));
const TWO_DIGITS = digits(60, 2);
const THREE_DIGITS = digits(1000, 3);

/** The `YYYY-MM-DDT` of the last day formatted: the rows of a page mostly share their day. */
let lastDay = NaN;
let lastDate = '';

/**
 * ISO 8601 UTC (`Z`) from integer microseconds since the epoch: milliseconds as usual, six
 * fraction digits only when the time has sub-millisecond precision, so nothing stored is lost.
 * On the hot path of every page and export (twice a row): the date comes from a one-day cache and
 * the time of day from arithmetic and digit tables, a fraction of the cost of a `Date` per call.
 */
export function isoFromMicros(micros: string): string {
  const total = Number(micros);
  const day = Math.floor(total / MICROS_PER_DAY);
  if (day !== lastDay) {
    const date = new Date(day * 86_400_000).toISOString();
    // Years outside 0000-9999 are written with a sign and six digits: no cache for those.
    if (date.length !== 24) return new Date(Math.floor(total / 1000)).toISOString();
    lastDay = day;
    lastDate = date.slice(0, 11);
  }
  const ofDay = total - day * MICROS_PER_DAY;
  const seconds = Math.floor(ofDay / 1_000_000);
  const fraction = ofDay - seconds * 1_000_000;
  const micro = fraction % 1000;
  return (
    lastDate +
    TWO_DIGITS[Math.floor(seconds / 3600)] +
    ':' +
    TWO_DIGITS[Math.floor(seconds / 60) % 60] +
    ':' +
    TWO_DIGITS[seconds % 60] +
    '.' +
    THREE_DIGITS[Math.floor(fraction / 1000)] +
    (micro === 0 ? 'Z' : `${THREE_DIGITS[micro]}Z`)
  );
}

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

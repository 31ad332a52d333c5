import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ApiError } from '../common/errors/api-error';
import { MAX_VALIDATION_ISSUES, flattenValidationErrors } from '../common/errors/validation';
import { deviceTimeProblem } from '../common/validation/device-time';
import type { DeviceTimeWindow } from '../config/app-config';
import { TrackerMessageDto } from './dto/tracker-message.dto';
import type { DroppedValue, TrackerLocation, TrackerReading } from './northbound.queue';
import { MAX_JSON_DEPTH, TooDeepError, storableText, toStoredJson } from './stored-json';
import { TRACKER_ALERTS, isNoFixSentinel, type TrackerAlert } from './tracker-message.constants';

export interface ReadTrackerMessage {
  reading: TrackerReading;
  /** The body as canonical JSON. */
  message: string;
  warnings: DroppedValue[];
}

const isoSeconds = (seconds: number) => new Date(seconds * 1000).toISOString();

const isTrackerAlert = (value: unknown): value is TrackerAlert =>
  (TRACKER_ALERTS as readonly unknown[]).includes(value);

/**
 * Turns a posted body into a reading. The tracker never resends what was refused, so only a body
 * that cannot be stored at all is refused (400): not a JSON object, no usable `trackerId`, nested
 * deeper than MAX_JSON_DEPTH. Any other impossible value of a known key is dropped, on its own,
 * with a warning; the rest of the message is kept. A device time outside the device-time window
 * (around `receivedAt`) is impossible too. What a drop costs:
 * - `timestamp`: the message is dated by its arrival;
 * - `location.timestamp`, `location.lat`, or both `lng` and `lon`: no position;
 * - one alert: that alert; any other field: that field.
 */
export function readTrackerMessage(
  body: unknown,
  receivedAt: number,
  window: DeviceTimeWindow,
): ReadTrackerMessage {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError('VALIDATION_ERROR', 'The body must be a JSON object: one tracker message');
  }
  // First: the checks below recurse into the body, and must not meet arbitrary depth.
  const stored = storedJson(body);

  const dto = plainToInstance(TrackerMessageDto, body, { excludeExtraneousValues: true });
  const invalid = flattenValidationErrors(validateSync(dto, { stopAtFirstError: true })).map(
    ({ field = '', message }): DroppedValue => ({ field, message }),
  );
  const issues = [...invalid, ...implausibleTimes(dto, invalid, receivedAt, window)];
  const trackerIdIssues = issues.filter((issue) => issue.field === 'trackerId');
  if (trackerIdIssues.length > 0) {
    throw new ApiError(
      'VALIDATION_ERROR',
      'The message has no usable trackerId and was not stored',
      trackerIdIssues,
    );
  }

  const dropped = new Set(issues.map((issue) => issue.field));
  const usable = (field: string) => {
    for (let at = field; at; at = at.slice(0, Math.max(at.lastIndexOf('.'), 0))) {
      if (dropped.has(at)) return false;
    }
    return true;
  };
  /** The listed fields of a nested object that are present and passed validation. */
  const pick = <T extends object, K extends keyof T & string>(
    parent: string,
    value: T | undefined,
    fields: readonly K[],
  ): Partial<Pick<T, K>> => {
    const picked: Partial<Pick<T, K>> = {};
    if (!value || !usable(parent)) return picked;
    for (const field of fields) {
      if (value[field] !== undefined && usable(`${parent}.${field}`)) picked[field] = value[field];
    }
    return picked;
  };
  const orNull = <T extends object>(value: T) => (Object.keys(value).length > 0 ? value : null);

  const warnings: DroppedValue[] = [];
  for (const issue of issues) {
    // Alerts in an array are judged one by one (readAlerts).
    if (issue.field === 'alerts' && Array.isArray(dto.alerts)) continue;
    warnings.push(
      issue.field === 'timestamp'
        ? { ...issue, message: `${issue.message}; the message is dated by its arrival` }
        : issue,
    );
  }
  const location = readLocation(dto, usable, warnings);
  const alerts = readAlerts((body as { alerts?: unknown }).alerts, warnings);
  const recordedAt = usable('timestamp') ? isoSeconds(dto.timestamp) : undefined;

  const reading: TrackerReading = {
    trackerId: dto.trackerId,
    recordedAt: recordedAt ?? new Date(receivedAt).toISOString(),
    status: pick('status', dto.status, ['inMotion', 'inGeofence', 'repossession']),
    sensors: pick('sensors', dto.sensors, ['temperature', 'batteryLevel']),
    location,
    alerts,
    cellInfo: orNull(
      pick('cellInfo', dto.cellInfo, ['timestamp', 'mode', 'mcc', 'mnc', 'signalStrength']),
    ),
    gnssInfo: orNull(pick('gnssInfo', dto.gnssInfo, ['timestamp', 'satellitesUsed'])),
  };
  return {
    reading,
    message: stored.text,
    warnings: [...stored.repairs, ...warnings].slice(0, MAX_VALIDATION_ISSUES),
  };
}

/** Where a message holds device times (Unix seconds). */
const DEVICE_TIMES: [field: string, read: (dto: TrackerMessageDto) => unknown][] = [
  ['timestamp', (dto) => dto.timestamp],
  ['location.timestamp', (dto) => dto.location?.timestamp],
  ['cellInfo.timestamp', (dto) => dto.cellInfo?.timestamp],
  ['gnssInfo.timestamp', (dto) => dto.gnssInfo?.timestamp],
];

/** The device times that are valid Unix seconds but lie outside the device-time window. */
function implausibleTimes(
  dto: TrackerMessageDto,
  invalid: DroppedValue[],
  receivedAt: number,
  window: DeviceTimeWindow,
): DroppedValue[] {
  const failed = new Set(invalid.map((issue) => issue.field));
  const issues: DroppedValue[] = [];
  for (const [field, read] of DEVICE_TIMES) {
    const seconds = read(dto);
    if (typeof seconds !== 'number' || failed.has(field)) continue;
    // 0 in a location is the no-fix sentinel, not a time.
    if (field === 'location.timestamp' && seconds === 0) continue;
    const problem = deviceTimeProblem(seconds * 1000, receivedAt, window);
    if (problem) issues.push({ field, message: `${field.replace(/^.*\./, '')} ${problem}` });
  }
  return issues;
}

function storedJson(body: object) {
  try {
    return toStoredJson(body);
  } catch (error) {
    if (!(error instanceof TooDeepError)) throw error;
    throw new ApiError(
      'VALIDATION_ERROR',
      `The body nests deeper than ${MAX_JSON_DEPTH} levels and cannot be stored`,
    );
  }
}

/** The position a message's location gives, or null (none, the no-fix sentinel, or unusable). */
function readLocation(
  dto: TrackerMessageDto,
  usable: (field: string) => boolean,
  warnings: DroppedValue[],
): TrackerLocation | null {
  const location = dto.location;
  if (!location || !usable('location')) return null;
  const lng = usable('location.lng') ? location.lng : undefined;
  const lon = usable('location.lon') ? location.lon : undefined;
  const longitude = lng ?? lon;
  if (!usable('location.timestamp') || !usable('location.lat') || longitude === undefined) {
    warnings.push({
      field: 'location',
      message: 'has no usable timestamp, lat and lng (or lon): no position is stored',
    });
    return null;
  }
  const accuracy = usable('location.accuracy') ? location.accuracy : undefined;
  if (isNoFixSentinel({ timestamp: location.timestamp, accuracy })) return null;
  if (lng !== undefined && lon !== undefined && lng !== lon) {
    warnings.push({ field: 'location.lon', message: 'differs from location.lng, which is used' });
  }
  return {
    recordedAt: isoSeconds(location.timestamp),
    type: usable('location.type') ? (location.type ?? null) : null,
    accuracy: accuracy ?? null,
    lat: location.lat,
    lon: longitude,
  };
}

/** The known alerts, each once; every other entry is dropped with a warning of its own. */
function readAlerts(alerts: unknown, warnings: DroppedValue[]): TrackerAlert[] {
  if (!Array.isArray(alerts)) return [];
  const known = new Set<TrackerAlert>();
  alerts.forEach((alert: unknown, index) => {
    if (isTrackerAlert(alert)) known.add(alert);
    else {
      warnings.push({
        field: `alerts.${index}`,
        // Quoted and cut short, and storable: the warning is stored with the message.
        message: `${storableText(JSON.stringify(alert).slice(0, 60))} is not one of the ${TRACKER_ALERTS.length} alerts`,
      });
    }
  });
  return [...known];
}

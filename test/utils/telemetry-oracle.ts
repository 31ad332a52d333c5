import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { TelemetryPointDto } from '../../src/telemetry/dto/telemetry-point.dto';

/** The fields of a telemetry point (the spec's table), with the string fields' max lengths. */
export const TELEMETRY_FIELDS: Record<string, { maxLength?: number }> = {
  imei: { maxLength: 50 },
  eventcode: { maxLength: 20 },
  fix: {},
  datetime: { maxLength: 40 },
  latitude: { maxLength: 25 },
  longitude: { maxLength: 25 },
  altitude: {},
  speed: {},
  heading: {},
  satellites: {},
  ignition: {},
  accuracy: { maxLength: 30 },
  odometer: { maxLength: 50 },
  horometer: {},
  address: { maxLength: 500 },
};

export const DEFAULT_MAX_POINTS = 1000;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Whether one point is valid, judged by the class-validator DTO, plus the two checks it is known
 * to miss (see telemetry-point.agreement.spec.ts): own keys named after Object.prototype members
 * (class-transformer drops them before validation) and max lengths in code points (validator.js
 * does not count variation selectors).
 */
export function isValidPoint(point: unknown): boolean {
  if (!isPlainObject(point)) return false;
  for (const [key, value] of Object.entries(point)) {
    const field = Object.prototype.hasOwnProperty.call(TELEMETRY_FIELDS, key)
      ? TELEMETRY_FIELDS[key]
      : undefined;
    if (!field) return false;
    if (typeof value === 'string' && field.maxLength !== undefined) {
      if ([...value].length > field.maxLength) return false;
    }
  }
  try {
    const errors = validateSync(plainToInstance(TelemetryPointDto, point), {
      whitelist: true,
      forbidNonWhitelisted: true,
    });
    return errors.length === 0;
  } catch {
    // e.g. a stack overflow on a deeply nested value: no field takes a nested value anyway.
    return false;
  }
}

/** Whether a parsed request body is a batch the API must accept. */
export function isValidBatch(body: unknown, maxPoints = DEFAULT_MAX_POINTS): boolean {
  return (
    Array.isArray(body) &&
    body.length >= 1 &&
    body.length <= maxPoints &&
    body.every((point) => isValidPoint(point))
  );
}

/**
 * What the server parses from a JSON body sent as `text` (UTF-8): undefined when it is not
 * parseable JSON. Mirrors body-parser: the bytes are UTF-8 (a lone surrogate in `text` arrives as
 * U+FFFD), a leading BOM is ignored, and (strict mode) only an object or array is taken.
 */
export function parseAsServer(text: string): { parsed: unknown } | undefined {
  const decoded = Buffer.from(text, 'utf8')
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  if (decoded.length === 0) return { parsed: undefined };
  const first = /^[ \t\n\r]*(.)/s.exec(decoded)?.[1];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return { parsed: JSON.parse(decoded) as unknown };
  } catch {
    return undefined;
  }
}

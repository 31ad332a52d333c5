import type { SchemaObject } from 'ajv';
import { DEVICE_ID_MAX_LENGTH } from '../common/validation/device-id';
import { PRINTABLE_TEXT, STORABLE_TEXT } from '../common/validation/storable-text';
import { EVENT_CODE_LIST } from './event-codes';

/** A telemetry point as it arrives: the spec's fields, JSON types and limits. */
export interface TelemetryPoint {
  imei: string;
  eventcode: string;
  fix: boolean;
  datetime: string;
  latitude: string;
  longitude: string;
  altitude: number;
  speed: number;
  heading: number;
  satellites?: number;
  ignition?: boolean;
  accuracy?: string;
  odometer?: string;
  horometer?: number;
  address?: string;
}

/**
 * The structural half of the point contract, compiled by ajv; `telemetry-point.rules.ts` holds the
 * rest. Its patterns are the shared regular expressions' sources: ajv compiles them with the `u`
 * flag, as they are written.
 */
export const TELEMETRY_POINT_SCHEMA: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: [
    'imei',
    'eventcode',
    'fix',
    'datetime',
    'latitude',
    'longitude',
    'altitude',
    'speed',
    'heading',
  ],
  properties: {
    imei: {
      type: 'string',
      minLength: 1,
      maxLength: DEVICE_ID_MAX_LENGTH,
      pattern: PRINTABLE_TEXT.source,
    },
    eventcode: { type: 'string', maxLength: 20, enum: EVENT_CODE_LIST },
    fix: { type: 'boolean' },
    datetime: { type: 'string', maxLength: 40 },
    latitude: { type: 'string', maxLength: 25 },
    longitude: { type: 'string', maxLength: 25 },
    altitude: { type: 'number' },
    speed: { type: 'number', minimum: 0 },
    heading: { type: 'number', minimum: 0, maximum: 360 },
    satellites: { type: 'integer', minimum: 0, maximum: 255 },
    ignition: { type: 'boolean' },
    accuracy: { type: 'string', maxLength: 30 },
    odometer: { type: 'string', maxLength: 50 },
    horometer: { type: 'number', minimum: 0 },
    address: { type: 'string', maxLength: 500, pattern: STORABLE_TEXT.source },
  },
};

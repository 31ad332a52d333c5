import { randomInt } from 'node:crypto';
import { withOverrides } from './overrides';

/** A telemetry point as the API takes it (loosely typed: tests also send broken ones). */
export type TelemetryPointBody = Record<string, unknown>;

/** A fresh 15-digit IMEI, so tests sharing a database never see each other's devices. */
export function randomImei(): string {
  return `35${String(randomInt(1e12)).padStart(12, '0')}${randomInt(10)}`;
}

/** The two points of the spec's example request, for `imei`. */
export function examplePoints(imei = '352093081234567'): TelemetryPointBody[] {
  return [
    {
      imei,
      eventcode: '101',
      fix: true,
      datetime: '2026-04-04T14:30:00',
      latitude: '-34.6037',
      longitude: '-58.3816',
      altitude: 25,
      speed: 45,
      heading: 180,
      satellites: 12,
      ignition: true,
      odometer: '125430',
      accuracy: '3.5',
    },
    {
      imei,
      eventcode: '101',
      fix: true,
      datetime: '2026-04-04T14:30:30',
      latitude: '-34.6040',
      longitude: '-58.3820',
      altitude: 25,
      speed: 48,
      heading: 185,
    },
  ];
}

/** A valid point (the spec's second example) with `overrides`; an `undefined` override deletes the field. */
export function telemetryPoint(overrides: TelemetryPointBody = {}): TelemetryPointBody {
  return withOverrides(examplePoints()[1], overrides);
}

/** `count` valid points of one device, one second apart from `start` (ISO, no zone). */
export function pointSeries(
  imei: string,
  count: number,
  start = '2026-04-04T10:00:00',
): TelemetryPointBody[] {
  const base = Date.parse(`${start}Z`);
  return Array.from({ length: count }, (_, i) =>
    telemetryPoint({ imei, datetime: new Date(base + i * 1000).toISOString().slice(0, 19) }),
  );
}

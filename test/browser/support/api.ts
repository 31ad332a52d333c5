import { telemetryPoint, type TelemetryPointBody } from '../../factories/telemetry.factory';
import type { Fleet } from '../../factories/tenant.factory';

/**
 * The running app's API, called the way a device or a script calls it: over HTTP, with the
 * real headers.
 */

/** The `error.message` the API answers a request with: what the page must show word for word. */
export async function apiErrorMessage(
  url: string,
  path: string,
  init: RequestInit = {},
): Promise<string> {
  const response = await fetch(`${url}${path}`, init);
  const body = (await response.json()) as { error?: { message?: string } };
  if (response.ok || !body.error?.message) {
    throw new Error(`${path} answered ${response.status} without an error message`);
  }
  return body.error.message;
}

let lastDeviceSecond = 0;

/**
 * A telemetry datetime (UTC, no zone, as devices send it) for now, a second after the last one
 * given: two live points of a device never share a time, which would make the second a replay
 * (stored once, announced once).
 */
export function deviceTimeNow(): string {
  lastDeviceSecond = Math.max(Math.floor(Date.now() / 1000), lastDeviceSecond + 1);
  return new Date(lastDeviceSecond * 1000).toISOString().slice(0, 19);
}

/** A point of `imei` at `lat`/`lon` with `speed`, recorded now. */
export function livePoint(
  imei: string,
  at: { lat: number; lon: number; speed: number },
): TelemetryPointBody {
  return telemetryPoint({
    imei,
    datetime: deviceTimeNow(),
    latitude: at.lat.toFixed(6),
    longitude: at.lon.toFixed(6),
    speed: at.speed,
  });
}

/** POSTs a telemetry batch; resolves on the answer, with the moment it came (`Date.now()`). */
export async function postTelemetry(
  url: string,
  fleet: Fleet,
  points: TelemetryPointBody[],
): Promise<{ status: number; answeredAt: number }> {
  const response = await fetch(`${url}/apidev/v1/telemetry`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...fleet.headers },
    body: JSON.stringify(points),
  });
  await response.arrayBuffer();
  return { status: response.status, answeredAt: Date.now() };
}

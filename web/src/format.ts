/** How the page writes times, speeds, places and event codes: one place, so every view agrees. */

import { EVENT_CODES } from '../../src/telemetry/event-codes';

const timeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** An API time (ISO 8601, UTC) in the user's local time. */
export function formatTime(iso: string | null | undefined): string {
  return iso ? timeFormat.format(new Date(iso)) : '—';
}

/** Speed as the device sent it, in km/h (the telemetry contract's unit). */
export function formatSpeed(speed: unknown): string {
  return typeof speed === 'number' ? `${speed} km/h` : '—';
}

export function formatCoordinates(lat: number, lon: number): string {
  return `${lat.toFixed(5)}, ${lon.toFixed(5)}`;
}

/** A `datetime-local` input's value for a moment, in local time. */
export function toLocalInputValue(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/**
 * A tracker's event code with the telemetry contract's name for it ("118 · IGNICION_ON"), the name
 * the API gives the same code's events, so table and event list agree; a code the contract does
 * not list, as it is. The API sends only the code with a
 * position, so the page bundles the server's own table rather than keep a copy.
 */
export function formatEventCode(code: string | null | undefined): string {
  if (!code) return '—';
  if (!Object.hasOwn(EVENT_CODES, code)) return code;
  return `${code} · ${EVENT_CODES[code as keyof typeof EVENT_CODES]}`;
}

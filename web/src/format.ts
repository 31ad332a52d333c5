/** How the page writes times, speeds and places: one place, so every view agrees. */

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

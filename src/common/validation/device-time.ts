import type { DeviceTimeWindow } from '../../config/app-config';

const UNITS: [name: string, ms: number][] = [
  ['day', 86_400_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** A duration in the largest unit that divides it: "10 minutes", "30 days", "90 seconds". */
function spell(ms: number): string {
  const [name, size] = UNITS.find(([, size]) => ms >= size && ms % size === 0) ?? UNITS[2];
  const count = Math.round(ms / size);
  return `${count} ${name}${count === 1 ? '' : 's'}`;
}

/**
 * Why a device time (epoch milliseconds) lies outside the window around the server's clock `now`,
 * or undefined when it lies inside. The window keeps clocks that are plainly wrong out of the
 * history; it is what both ingestion routes judge a reading's time by.
 */
export function deviceTimeProblem(
  instant: number,
  now: number,
  window: DeviceTimeWindow,
): string | undefined {
  if (instant > now + window.maxFutureMs) {
    return `must not be more than ${spell(window.maxFutureMs)} in the future`;
  }
  if (window.maxAgeMs !== undefined && instant < now - window.maxAgeMs) {
    return `must not be more than ${spell(window.maxAgeMs)} in the past`;
  }
  return undefined;
}

/**
 * An API time as microseconds since the epoch. The API writes milliseconds, or microseconds when
 * the device sent them, so an event can fall between two positions of the same millisecond:
 * comparing at the finer grain keeps "at or before" exact.
 */
export function instantMicros(iso: string): number {
  const fraction = /\.(\d+)/.exec(iso)?.[1] ?? '';
  // Date.parse keeps the milliseconds and drops the digits after them: add those back.
  return Date.parse(iso) * 1000 + Number(fraction.slice(3, 6).padEnd(3, '0'));
}

/** The index of the last of `sorted` (ascending) that is ≤ `value`; -1 when every one is greater. */
export function lastAtOrBefore(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] <= value) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}

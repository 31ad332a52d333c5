/** When the live stream connects again: the server's wishes first, then backing off. */

/** Until the server says otherwise (`retry:`); the API sends 2000. */
export const DEFAULT_RETRY_MS = 2000;
/** Failed attempts in a row double the delay, up to this. */
const MAX_RETRY_MS = 30_000;

/**
 * A `Retry-After` header's value (seconds, or an HTTP date) in milliseconds from `now`; undefined
 * when there is none or it cannot be read.
 */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How long to wait before the next attempt. A refusal's `Retry-After` is what the server asked
 * for (a stream cap), so it wins; otherwise the server's `retry:` delay, doubled for each failed
 * attempt in a row after the first, up to MAX_RETRY_MS. A stream that was open and ended is no
 * failure (`failures` 0): the `retry:` delay, as a browser's EventSource waits.
 */
export function reconnectDelay(retryMs: number, failures: number, retryAfter?: number): number {
  return retryAfter ?? Math.min(retryMs * 2 ** Math.max(0, failures - 1), MAX_RETRY_MS);
}

import type { Query, Session } from '../api';

/** The history routes' largest page: fewest round trips for a long range. */
const PAGE_LIMIT = 10_000;

/**
 * Reads every page of a history listing (positions or events) in order, following
 * `meta.nextCursor`, and hands each page to `onPage` as it arrives, so the caller can draw while
 * the rest is on its way. Rejects with the request's error, or an AbortError once `signal` aborts.
 */
export async function readAllPages<T>(
  session: Session,
  path: string,
  query: Query,
  signal: AbortSignal,
  onPage: (items: T[]) => void,
): Promise<void> {
  let cursor: string | null | undefined;
  do {
    const page = await session.get<T[]>(path, { ...query, limit: PAGE_LIMIT, cursor }, signal);
    signal.throwIfAborted();
    onPage(page.data);
    cursor = page.meta.nextCursor;
  } while (cursor);
}

import type { Query, Session } from '../api';
import type { Device } from '../types';

/** The API's largest page: 10,000 devices are ten requests. */
const PAGE_SIZE = 1000;

/**
 * Fetches every device of the tenant (or those matching `filter`) through the cursor pages,
 * handing each page on as it arrives.
 */
export async function loadDevices(
  session: Session,
  onPage: (devices: Device[]) => void,
  signal: AbortSignal,
  filter: Query = {},
): Promise<void> {
  let cursor: string | undefined;
  do {
    const query = { ...filter, limit: PAGE_SIZE, cursor };
    const page = await session.get<Device[]>('/devices', query, signal);
    onPage(page.data);
    cursor = page.meta.nextCursor ?? undefined;
  } while (cursor);
}

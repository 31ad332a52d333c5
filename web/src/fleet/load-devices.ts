import type { Session } from '../api';
import type { Device } from '../types';

/** The API's largest page: 10,000 devices are ten requests. */
const PAGE_SIZE = 1000;

/** Fetches every device of the tenant through the cursor pages, handing each page on as it arrives. */
export async function loadDevices(
  session: Session,
  onPage: (devices: Device[]) => void,
  signal: AbortSignal,
): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await session.get<Device[]>('/devices', { limit: PAGE_SIZE, cursor }, signal);
    onPage(page.data);
    cursor = page.meta.nextCursor ?? undefined;
  } while (cursor);
}

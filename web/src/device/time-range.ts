/** A window of device time: `from` inclusive, `to` exclusive, as the history routes take them. */
export interface TimeRange {
  from: Date;
  to: Date;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/**
 * The last 24 hours, ending at the next whole minute: the inputs show minutes, and `to` is
 * exclusive, so ending at the current minute would leave out what a device sent seconds ago.
 */
export function lastDay(now: Date): TimeRange {
  const to = new Date((Math.floor(now.getTime() / MINUTE_MS) + 1) * MINUTE_MS);
  return { from: new Date(to.getTime() - DAY_MS), to };
}

/** The range two `datetime-local` values (local time) name, or what is wrong with them. */
export function readRange(fromValue: string, toValue: string): TimeRange | { problem: string } {
  if (!fromValue || !toValue) return { problem: 'Enter both From and To.' };
  // A date-time without a zone is local time, as the inputs mean it.
  const from = new Date(fromValue);
  const to = new Date(toValue);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
    return { problem: 'From and To must be dates with a time.' };
  }
  if (from >= to) return { problem: 'From must be earlier than To.' };
  return { from, to };
}

/** The range as the API's query parameters: ISO 8601 in UTC. */
export function rangeQuery(range: TimeRange): { from: string; to: string } {
  return { from: range.from.toISOString(), to: range.to.toISOString() };
}

/** A moment for a file name: UTC, no separators a file system could object to (`20260404T103000Z`). */
function fileStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** `<deviceId>-<from>-<to>.<extension>`, with the id's unsafe characters replaced as the server does. */
export function exportFileName(deviceId: string, range: TimeRange, extension: string): string {
  const safeId = deviceId.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${safeId}-${fileStamp(range.from)}-${fileStamp(range.to)}.${extension}`;
}

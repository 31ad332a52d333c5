/**
 * What the live stream carries: each newly stored position or event of a tenant, as an SSE event
 * (`event: position` / `event: event`). `data` is the JSON text sent as is; `deviceId` beside it
 * lets a stream narrowed to one device filter without parsing it.
 */
export interface LiveDraft {
  type: 'position' | 'event';
  deviceId: string;
  data: string;
}

/**
 * A published message. Ids are Redis stream ids (`<ms>-<seq>`), increasing per tenant whichever
 * process assigned them, which is what lets `Last-Event-ID` resume on any API instance.
 */
export interface LiveMessage extends LiveDraft {
  id: string;
}

const LIVE_ID = /^(\d{1,15})-(\d{1,15})$/;

export const isLiveId = (id: string) => LIVE_ID.test(id);

/** Negative, zero or positive as `a` is before, equal to or after `b` (both valid ids). */
export function compareLiveIds(a: string, b: string): number {
  const [, aMs, aSeq] = LIVE_ID.exec(a)!;
  const [, bMs, bSeq] = LIVE_ID.exec(b)!;
  return Number(aMs) - Number(bMs) || Number(aSeq) - Number(bSeq);
}

/** How far back `Last-Event-ID` can resume: the newest messages of a tenant, up to this many. */
export const REPLAY_WINDOW_MESSAGES = 10_000;

/**
 * A tenant is watched while one of its streams is open and for this long after the last one
 * closed (time to reconnect and resume); only watched tenants' rows are published.
 */
export const WATCH_WINDOW_MS = 10 * 60 * 1000;

export interface Replay {
  messages: LiveMessage[];
  /** False when messages after the given id may have left the window: the client missed some. */
  complete: boolean;
}

export type LiveListener = (message: LiveMessage) => void;

/**
 * Carries live messages from the processes that store data to every API process serving streams.
 * With Redis: pub/sub plus a capped stream per tenant for resuming; without (embedded, one
 * process): in memory.
 */
export abstract class LiveEventBus {
  /** Publishes a tenant's messages in order. */
  abstract publish(tenantId: string, drafts: LiveDraft[]): Promise<void>;

  /** Calls `listener` with each message of the tenant published from now on; resolves to the unsubscribe. */
  abstract subscribe(tenantId: string, listener: LiveListener): Promise<() => void>;

  /** The tenant's retained messages after `afterId`, oldest first. */
  abstract replay(tenantId: string, afterId: string): Promise<Replay>;

  /**
   * Which of these tenants are watched (see `WATCH_WINDOW_MS`). Publishing costs the workers as
   * much as storing the rows does, so it is spent only where a stream can receive the messages.
   */
  abstract watched(tenantIds: string[]): Promise<Set<string>>;
}

import {
  LiveEventBus,
  REPLAY_WINDOW_MESSAGES,
  WATCH_WINDOW_MS,
  compareLiveIds,
  type LiveDraft,
  type LiveListener,
  type LiveMessage,
  type Replay,
} from './live-message';

/**
 * The embedded default (no Redis, one process): messages go straight to this process's
 * listeners, and each tenant's newest ones stay in a ring of `REPLAY_WINDOW_MESSAGES` for
 * resuming. Ids have the Redis stream format, so clients cannot tell the two apart.
 */
export class MemoryLiveEventBus extends LiveEventBus {
  private readonly listeners = new Map<string, Set<LiveListener>>();
  private readonly retained = new Map<string, LiveMessage[]>();
  /** When each tenant stops being watched: never while it has listeners. */
  private readonly watchedUntil = new Map<string, number>();
  private lastMs = 0;
  private sequence = 0;

  publish(tenantId: string, drafts: LiveDraft[]): Promise<void> {
    const retained = this.retained.get(tenantId) ?? [];
    this.retained.set(tenantId, retained);
    for (const draft of drafts) {
      const message = { ...draft, id: this.nextId() };
      retained.push(message);
      for (const listener of this.listeners.get(tenantId) ?? []) listener(message);
    }
    if (retained.length > REPLAY_WINDOW_MESSAGES) {
      retained.splice(0, retained.length - REPLAY_WINDOW_MESSAGES);
    }
    return Promise.resolve();
  }

  subscribe(tenantId: string, listener: LiveListener): Promise<() => void> {
    const listeners = this.listeners.get(tenantId) ?? new Set<LiveListener>();
    this.listeners.set(tenantId, listeners);
    listeners.add(listener);
    this.watchedUntil.set(tenantId, Infinity);
    return Promise.resolve(() => {
      listeners.delete(listener);
      if (listeners.size > 0) return;
      this.listeners.delete(tenantId);
      this.watchedUntil.set(tenantId, Date.now() + WATCH_WINDOW_MS);
    });
  }

  replay(tenantId: string, afterId: string): Promise<Replay> {
    const retained = this.retained.get(tenantId) ?? [];
    return Promise.resolve({
      messages: retained.filter((message) => compareLiveIds(message.id, afterId) > 0),
      complete: retained.length > 0 && compareLiveIds(retained[0].id, afterId) <= 0,
    });
  }

  watched(tenantIds: string[]): Promise<Set<string>> {
    const now = Date.now();
    return Promise.resolve(
      new Set(tenantIds.filter((id) => (this.watchedUntil.get(id) ?? 0) > now)),
    );
  }

  /** `<ms>-<seq>`, increasing even when the clock stands still or steps back. */
  private nextId(): string {
    const now = Date.now();
    if (now > this.lastMs) {
      this.lastMs = now;
      this.sequence = 0;
    } else {
      this.sequence++;
    }
    return `${this.lastMs}-${this.sequence}`;
  }
}

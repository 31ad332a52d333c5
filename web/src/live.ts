import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { apiUrl, type Session } from './api';
import { DEFAULT_RETRY_MS, reconnectDelay, retryAfterMs } from './live-retry';
import type { LiveEvent, LivePosition } from './types';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

export interface LiveListener {
  position?(message: LivePosition): void;
  event?(message: LiveEvent): void;
  /** The stream could not resume where it left off: reload what it would have updated. */
  gap?(): void;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/**
 * The tenant's live stream (`GET /devices/stream`). The route needs the session's headers, which
 * EventSource cannot send, so the stream is read with fetch and parsed here, and this does what a
 * browser's EventSource would: remember the last id, reconnect after the server's `retry:` delay
 * sending `Last-Event-ID`, so nothing is missed. A refusal with `Retry-After` (stream caps) waits
 * that long; failures in a row back off (`reconnectDelay`). A 401 is retried too: the session
 * renews its token by itself, and when it cannot it ends, which stops the stream.
 */
export class LiveStream {
  private readonly listeners = new Set<LiveListener>();
  private readonly stateListeners = new Set<(state: LiveState) => void>();
  private current: LiveState = 'connecting';
  private lastEventId: string | undefined;
  private retryMs = DEFAULT_RETRY_MS;

  constructor(private readonly session: Session) {}

  get state(): LiveState {
    return this.current;
  }

  /** Runs until the session ends. */
  start(): void {
    void this.run();
  }

  subscribe(listener: LiveListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onState(listener: (state: LiveState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private async run(): Promise<void> {
    const { signal } = this.session;
    let failures = 0;
    let connectedBefore = false;
    while (!signal.aborted) {
      let retryAfter: number | undefined;
      try {
        const headers: Record<string, string> = { Accept: 'text/event-stream' };
        if (this.lastEventId) headers['Last-Event-ID'] = this.lastEventId;
        const response = await this.session.fetch(apiUrl('/devices/stream'), { headers });
        if (response.ok && response.body) {
          failures = 0;
          // No message came before the drop, so there is no id to resume from: whatever was
          // sent meanwhile is lost, as after a gap.
          if (connectedBefore && !this.lastEventId) this.gap();
          connectedBefore = true;
          this.setState('live');
          await this.read(response.body);
        } else {
          failures += 1;
          retryAfter = retryAfterMs(response.headers.get('Retry-After'), Date.now());
          await response.body?.cancel();
        }
      } catch {
        // The network, or the session ending (then the loop stops): retry below.
        failures += 1;
      }
      if (signal.aborted) return;
      this.setState('reconnecting');
      await sleep(reconnectDelay(this.retryMs, failures, retryAfter), signal);
    }
  }

  /** Feeds the stream to the parser until it ends (the server closed it, or the network). */
  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const parser = createParser({
      onEvent: (message) => this.dispatch(message),
      onRetry: (retryMs) => {
        this.retryMs = retryMs;
      },
    });
    const reader = body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      parser.feed(decoder.decode(value, { stream: true }));
    }
  }

  private dispatch(message: EventSourceMessage): void {
    if (message.id) this.lastEventId = message.id;
    if (message.event === 'position') {
      const position = JSON.parse(message.data) as LivePosition;
      for (const listener of this.listeners) listener.position?.(position);
    } else if (message.event === 'event') {
      const event = JSON.parse(message.data) as LiveEvent;
      for (const listener of this.listeners) listener.event?.(event);
    } else if (message.event === 'gap') {
      this.gap();
    }
  }

  private gap(): void {
    for (const listener of this.listeners) listener.gap?.();
  }

  private setState(state: LiveState): void {
    if (state === this.current) return;
    this.current = state;
    for (const listener of this.stateListeners) listener(state);
  }
}

import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { withTimeout } from '../../common/with-timeout';
import { LuaScript } from '../../redis/lua-script';
import { DISCONNECT_TIMEOUT_MS } from '../../redis/redis-client';
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

/** A tenant's retained messages outlive its last one by this long, then the key goes. */
const RETAIN_IDLE_MS = WATCH_WINDOW_MS;

/** How often a process renews the watch marks of the tenants it has streams of. */
const WATCH_RENEW_MS = WATCH_WINDOW_MS / 10;

/** A publish waits no longer than this for Redis: the rows are stored, the stream is best effort. */
const PUBLISH_TIMEOUT_MS = 1000;

/** A client opening a stream while Redis is away gets a 503 after this, not a hung request. */
const SUBSCRIBE_TIMEOUT_MS = 2000;

/**
 * Appends each message to the tenant's capped stream (which assigns its id) and publishes it with
 * that id, in one atomic step: a subscriber never sees a message a resuming client could not
 * replay, nor the reverse. KEYS: stream, channel. ARGV: cap, idle ms, then type, device, data per
 * message.
 */
const PUBLISH = new LuaScript(`
for i = 3, #ARGV, 3 do
  local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*',
    't', ARGV[i], 'd', ARGV[i + 1], 'p', ARGV[i + 2])
  redis.call('PUBLISH', KEYS[2], cjson.encode({id, ARGV[i], ARGV[i + 1], ARGV[i + 2]}))
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return #ARGV`);

type StreamEntry = [id: string, fields: string[]];

function fromEntry([id, fields]: StreamEntry): LiveMessage {
  const field = (name: string) => fields[fields.indexOf(name) + 1];
  return { id, type: field('t') as LiveMessage['type'], deviceId: field('d'), data: field('p') };
}

interface Channel {
  listeners: Set<LiveListener>;
  /** Settles once Redis confirmed the SUBSCRIBE. */
  ready: Promise<unknown>;
}

/**
 * Live messages through Redis, so that every API process serves every tenant's stream: pub/sub
 * carries them to the processes with subscribers (one subscriber connection per process, one
 * channel per tenant with listeners), and a stream per tenant, capped at `REPLAY_WINDOW_MESSAGES`,
 * keeps the newest for `Last-Event-ID`. A capped stream rather than a ring in each API process:
 * ids are then the same on every instance, so a client resumes wherever the load balancer sends
 * it, and across API restarts.
 */
export class RedisLiveEventBus extends LiveEventBus implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisLiveEventBus.name);
  private readonly channels = new Map<string, Channel>();
  private subscriber?: Redis;
  private readonly renewal: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly redisUrl: string,
    private readonly prefix: string,
  ) {
    super();
    this.renewal = setInterval(() => this.renewWatches(), WATCH_RENEW_MS).unref();
  }

  async publish(tenantId: string, drafts: LiveDraft[]): Promise<void> {
    if (drafts.length === 0) return;
    await PUBLISH.run(
      this.redis,
      [this.streamKey(tenantId), this.channelName(tenantId)],
      [
        REPLAY_WINDOW_MESSAGES,
        RETAIN_IDLE_MS,
        ...drafts.flatMap((draft) => [draft.type, draft.deviceId, draft.data]),
      ],
      PUBLISH_TIMEOUT_MS,
    );
  }

  async subscribe(tenantId: string, listener: LiveListener): Promise<() => void> {
    const name = this.channelName(tenantId);
    let channel = this.channels.get(name);
    if (!channel) {
      channel = { listeners: new Set(), ready: this.connection().subscribe(name) };
      this.channels.set(name, channel);
    }
    channel.listeners.add(listener);
    const subscribed = channel;
    const unsubscribe = () => {
      subscribed.listeners.delete(listener);
      if (subscribed.listeners.size > 0 || this.channels.get(name) !== subscribed) return;
      this.channels.delete(name);
      this.connection()
        .unsubscribe(name)
        .catch((error: unknown) =>
          this.logger.warn(`UNSUBSCRIBE ${name} failed: ${String(error)}`),
        );
    };
    try {
      await withTimeout(
        Promise.all([subscribed.ready, this.markWatched(tenantId)]),
        SUBSCRIBE_TIMEOUT_MS,
        `SUBSCRIBE ${name}`,
      );
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  async replay(tenantId: string, afterId: string): Promise<Replay> {
    const key = this.streamKey(tenantId);
    const [oldest, messages] = await withTimeout(
      Promise.all([
        this.redis.xrange(key, '-', '+', 'COUNT', 1) as Promise<StreamEntry[]>,
        this.redis.xrange(key, `(${afterId}`, '+') as Promise<StreamEntry[]>,
      ]),
      SUBSCRIBE_TIMEOUT_MS,
      `XRANGE ${key}`,
    );
    return {
      messages: messages.map(fromEntry),
      complete: oldest.length > 0 && compareLiveIds(oldest[0][0], afterId) <= 0,
    };
  }

  async watched(tenantIds: string[]): Promise<Set<string>> {
    if (tenantIds.length === 0) return new Set();
    const marks = await withTimeout(
      this.redis.mget(tenantIds.map((id) => this.watchKey(id))),
      PUBLISH_TIMEOUT_MS,
      'MGET watch marks',
    );
    return new Set(tenantIds.filter((_, i) => marks[i] !== null));
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.renewal);
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  /** The subscriber connection (a connection in subscribe mode can do nothing else), opened on first use. */
  private connection(): Redis {
    if (!this.subscriber) {
      const subscriber = new Redis(this.redisUrl, {
        connectionName: 'fleethub:live',
        // Streams wait for Redis to come back; ioredis then subscribes the channels again.
        maxRetriesPerRequest: null,
        disconnectTimeout: DISCONNECT_TIMEOUT_MS,
      });
      subscriber.on('message', (channel: string, text: string) => this.dispatch(channel, text));
      subscriber.on('error', (error) => this.logger.warn(`Live subscriber: ${error.message}`));
      this.subscriber = subscriber;
    }
    return this.subscriber;
  }

  private dispatch(channel: string, text: string): void {
    const listeners = this.channels.get(channel)?.listeners;
    if (!listeners) return;
    const [id, type, deviceId, data] = JSON.parse(text) as [
      string,
      LiveMessage['type'],
      string,
      string,
    ];
    const message: LiveMessage = { id, type, deviceId, data };
    for (const listener of listeners) listener(message);
  }

  /** Marks the tenant watched for the next `WATCH_WINDOW_MS`. */
  private async markWatched(tenantId: string): Promise<void> {
    await this.redis.set(this.watchKey(tenantId), '1', 'PX', WATCH_WINDOW_MS);
  }

  private renewWatches(): void {
    for (const [name, channel] of this.channels) {
      if (channel.listeners.size === 0) continue;
      const tenantId = name.slice(this.channelName('').length);
      this.markWatched(tenantId).catch((error: unknown) =>
        this.logger.warn(`Could not renew the watch of tenant ${tenantId}: ${String(error)}`),
      );
    }
  }

  private watchKey(tenantId: string): string {
    return `${this.prefix}:watched:${tenantId}`;
  }

  private streamKey(tenantId: string): string {
    return `${this.prefix}:stream:${tenantId}`;
  }

  private channelName(tenantId: string): string {
    return `${this.prefix}:channel:${tenantId}`;
  }
}

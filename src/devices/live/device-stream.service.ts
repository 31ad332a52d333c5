import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Response } from 'express';
import { ApiError } from '../../common/errors/api-error';
import { TenantSlots, type ReleaseSlot } from '../../common/tenant-slots';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { DevicesService } from '../devices.service';
import { LiveEventBus, compareLiveIds, isLiveId, type LiveMessage } from './live-message';

/** What the browser waits before reconnecting (with Last-Event-ID) when the stream drops. */
const RETRY_MS = 2000;

/**
 * Unsent output a client may fall behind by. Past it the stream is closed rather than buffered
 * without bound; the client reconnects with Last-Event-ID and catches up from the replay window.
 */
const MAX_BACKLOG_BYTES = 1024 * 1024;

/** A refused stream's Retry-After: a slot frees when another stream of the tenant closes. */
const RETRY_AFTER_SECONDS = 10;

const frame = (message: LiveMessage) =>
  `id: ${message.id}\nevent: ${message.type}\ndata: ${message.data}\n\n`;

export interface StreamRequest {
  tenantId: string;
  deviceId?: string;
  lastEventId?: string;
}

/**
 * Server-Sent Events of a tenant's newly stored positions and events. The subscription starts
 * before the replay of what the client missed (Last-Event-ID), and whatever arrives meanwhile is
 * held, then sent after the replay without repeats: ids increase, so "after the last id sent" is
 * the whole rule.
 *
 * Each open stream holds a subscription, a timer and a socket, so a process serves at most
 * LIVE_MAX_STREAMS of them, and a tenant at most LIVE_MAX_STREAMS_PER_TENANT; the slot is taken
 * before anything else and given back when the stream closes, whoever closes it.
 */
@Injectable()
export class DeviceStreamService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(DeviceStreamService.name);
  private readonly open = new Set<Response>();
  private readonly slots: TenantSlots;

  constructor(
    private readonly bus: LiveEventBus,
    private readonly queries: DevicesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.slots = new TenantSlots('live streams', config.liveStreams, RETRY_AFTER_SECONDS);
  }

  async stream(request: StreamRequest, response: Response): Promise<void> {
    const release = this.slots.take(request.tenantId);
    // Released by the stream's close once it has opened; until then by a failure to open it.
    try {
      await this.serve(request, response, release);
    } catch (error) {
      release();
      throw error;
    }
  }

  private async serve(
    { tenantId, deviceId, lastEventId }: StreamRequest,
    response: Response,
    release: ReleaseSlot,
  ): Promise<void> {
    // Narrowing to a device another tenant owns is a 404, as everywhere else.
    if (deviceId !== undefined) await this.queries.deviceRowId(tenantId, deviceId);
    const resumeFrom = lastEventId !== undefined && isLiveId(lastEventId) ? lastEventId : undefined;

    let lastSent = resumeFrom;
    let held: LiveMessage[] | undefined = [];
    const send = (message: LiveMessage) => {
      if (lastSent !== undefined && compareLiveIds(message.id, lastSent) <= 0) return;
      lastSent = message.id;
      if (deviceId === undefined || message.deviceId === deviceId)
        this.write(response, frame(message));
    };
    let unsubscribe: () => void;
    try {
      unsubscribe = await this.bus.subscribe(tenantId, (message) =>
        held ? held.push(message) : send(message),
      );
    } catch (error) {
      this.logger.warn(`Live stream unavailable: ${String(error)}`);
      throw new ApiError(
        'SERVICE_UNAVAILABLE',
        'The live stream is unavailable right now; retry',
        undefined,
        {
          'Retry-After': '1',
        },
      );
    }

    // A comment line now and then keeps proxies and load balancers from closing an idle stream.
    const heartbeat = setInterval(
      () => this.write(response, ': heartbeat\n\n'),
      this.config.live.heartbeatMs,
    );
    const close = () => {
      clearInterval(heartbeat);
      unsubscribe();
      this.open.delete(response);
      release();
    };
    response.once('close', close);
    // The client may have gone while the subscription was being made.
    if (response.destroyed) return close();
    this.open.add(response);

    response.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // nginx would otherwise buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    response.flushHeaders();
    this.write(response, `retry: ${RETRY_MS}\n: connected\n\n`);

    if (resumeFrom !== undefined) {
      try {
        const replay = await this.bus.replay(tenantId, resumeFrom);
        if (!replay.complete) this.write(response, gapFrame(resumeFrom));
        replay.messages.forEach(send);
      } catch (error) {
        this.logger.warn(`Live stream replay failed: ${String(error)}`);
        this.write(response, gapFrame(resumeFrom));
      }
    }
    const pending = held;
    held = undefined;
    pending.forEach(send);
  }

  /** Streams end with the server, or it would wait on them forever. */
  beforeApplicationShutdown(): void {
    for (const response of this.open) response.end();
  }

  private write(response: Response, text: string): void {
    if (response.writableEnded || response.destroyed) return;
    if (response.writableLength > MAX_BACKLOG_BYTES) {
      this.logger.warn('Live stream client too slow: closing it (it can resume)');
      response.end();
      return;
    }
    response.write(text);
  }
}

/**
 * Sent when messages after the client's Last-Event-ID may have left the replay window: the
 * dashboard should reload the history it shows rather than trust the stream to have filled in.
 */
function gapFrame(lastEventId: string): string {
  return `event: gap\ndata: ${JSON.stringify({ lastEventId })}\n\n`;
}

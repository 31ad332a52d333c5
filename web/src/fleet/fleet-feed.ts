import { ApiError, type Query, type Session } from '../api';
import type { LiveStream } from '../live';
import type { Device, LiveEvent, LivePosition } from '../types';
import { fromApi, withLiveEvent, withLivePosition } from './fleet-device';
import type { FleetStore } from './fleet-store';
import { loadDevices } from './load-devices';

/** After a failed first load, the next attempt (the API may be busy, or the network away). */
const RETRY_LOAD_MS = 5000;

/**
 * Live messages carry an Asset Tracker's location and alerts but not its status flags and sensor
 * readings: those are read again, for the trackers heard from since, this long after a message.
 */
const TRACKER_REFRESH_MS = 1000;

export interface FleetFeedListener {
  /** Something came in: drain it (at the next frame). */
  changed(): void;
  /** Loading the devices failed (the API's message), or works again (null). */
  trouble(message: string | null): void;
}

/**
 * What the fleet view learns, queued as it arrives and handed to the store in one go by `drain`:
 * every page of devices (all of them on start, again after the live stream reports a gap), the
 * live positions and events, and the Asset Trackers' status after their messages.
 */
export class FleetFeed {
  private readonly aborter = new AbortController();
  private readonly pages: Device[][] = [];
  private readonly messages: (LivePosition | LiveEvent)[] = [];
  private firstLoad: 'loading' | 'fetched' | 'drained' = 'loading';
  /** The earliest arrival (server time) of an Asset Tracker message not refreshed yet. */
  private trackersHeardSince: string | undefined;
  private trackerRefresh: ReturnType<typeof setTimeout> | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly session: Session,
    live: LiveStream,
    private readonly listener: FleetFeedListener,
  ) {
    const queue = (message: LivePosition | LiveEvent) => {
      this.messages.push(message);
      if (message.kind === 'asset-tracker') {
        const { receivedAt } = 'position' in message ? message.position : message.event;
        this.refreshTrackersSince(receivedAt);
      }
      listener.changed();
    };
    this.unsubscribe = live.subscribe({
      position: queue,
      event: queue,
      gap: () => void this.load(),
    });
    void this.loadAll();
  }

  /** True once every page of the first load has been drained into the store. */
  get loaded(): boolean {
    return this.firstLoad === 'drained';
  }

  /** Hands everything queued to the store, in the order it came. */
  drain(store: FleetStore): void {
    const fetched = this.firstLoad === 'fetched';
    for (const page of this.pages.splice(0)) {
      for (const device of page) store.put(fromApi(device, store.get(device.deviceId)));
    }
    for (const message of this.messages.splice(0)) {
      const known = store.get(message.deviceId);
      store.put(
        'position' in message ? withLivePosition(message, known) : withLiveEvent(message, known),
      );
    }
    if (fetched) this.firstLoad = 'drained';
  }

  stop(): void {
    this.aborter.abort();
    this.unsubscribe();
    clearTimeout(this.trackerRefresh);
  }

  /** The first load, tried until it succeeds (or the view goes). */
  private async loadAll(): Promise<void> {
    while (!(await this.load())) {
      await new Promise((resolve) => setTimeout(resolve, RETRY_LOAD_MS));
      if (this.aborter.signal.aborted) return;
    }
    this.firstLoad = 'fetched';
    this.listener.changed();
  }

  /** Queues every page of the devices matching `filter`; false when that failed. */
  private async load(filter: Query = {}): Promise<boolean> {
    try {
      await loadDevices(
        this.session,
        (page) => {
          this.pages.push(page);
          this.listener.changed();
        },
        this.aborter.signal,
        filter,
      );
      this.listener.trouble(null);
      return true;
    } catch (error) {
      if (!this.aborter.signal.aborted) {
        this.listener.trouble(
          error instanceof ApiError ? error.message : 'The devices could not be loaded.',
        );
      }
      return false;
    }
  }

  private refreshTrackersSince(receivedAt: string): void {
    // Both are the API's UTC times with milliseconds, so they compare as text.
    if (!this.trackersHeardSince || receivedAt < this.trackersHeardSince) {
      this.trackersHeardSince = receivedAt;
    }
    this.trackerRefresh ??= setTimeout(() => void this.refreshTrackers(), TRACKER_REFRESH_MS);
  }

  private async refreshTrackers(): Promise<void> {
    const seenSince = this.trackersHeardSince!;
    this.trackersHeardSince = undefined;
    const refreshed = await this.load({ kind: 'asset-tracker', seenSince });
    this.trackerRefresh = undefined;
    if (this.aborter.signal.aborted) return;
    // Failed: again from the same time. Messages that came meanwhile: from theirs.
    const next = refreshed ? this.trackersHeardSince : seenSince;
    if (next) this.refreshTrackersSince(next);
  }
}

import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { TrafficMeter, type DeviceTraffic } from '../../metering/traffic-meter';
import { newSids } from '../../twilio/sid';
import { DATA_SESSION_SID_PREFIX } from '../wireless-addresses';
import { END_SESSIONS_SQL, UPSERT_USAGE_SQL } from './usage-flush.sql';

/**
 * How often the counted traffic is stored. Usage and a new data session must show within 10 s of
 * the traffic; half of that leaves the flush itself time to run.
 */
const FLUSH_INTERVAL_MS = 5_000;

/** The JSON rows of `UPSERT_USAGE_SQL`: each carries the SID its Sim's session takes if it opens one. */
function trafficRows(traffic: readonly DeviceTraffic[]): string {
  const sessionSids = newSids(DATA_SESSION_SID_PREFIX, traffic.length);
  return JSON.stringify(
    traffic.map((entry, index) => ({
      ...entry,
      hour: new Date(entry.hour).toISOString(),
      firstAt: new Date(entry.firstAt).toISOString(),
      lastAt: new Date(entry.lastAt).toISOString(),
      sessionSid: sessionSids[index],
    })),
  );
}

/**
 * Stores the traffic the meter counted in this process, every FLUSH_INTERVAL_MS and once more at
 * shutdown (after the last answer is sent, before the database pool closes): adds it to the Sims'
 * hourly usage and data sessions, and ends the sessions that are over. Traffic of devices no Sim is
 * linked to is dropped there. Several API processes flush concurrently: usage adds up on conflict
 * and each Sim has one open session to add to. A flush that fails gives its traffic back to the
 * meter, for the next one.
 */
@Injectable()
export class UsageFlusher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UsageFlusher.name);
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly meter: TrafficMeter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Stores what has been counted so far; flushes never overlap. */
  flush(): Promise<void> {
    this.running = this.running.then(() => this.store(this.meter.drain()));
    return this.running;
  }

  private async store(traffic: DeviceTraffic[]): Promise<void> {
    const rows = trafficRows(traffic);
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.query(END_SESSIONS_SQL, [
          rows,
          new Date(),
          this.config.wireless.dataSessionIdleMs,
          FLUSH_INTERVAL_MS,
        ]);
        if (traffic.length > 0) await manager.query(UPSERT_USAGE_SQL, [rows]);
      });
    } catch (error) {
      this.meter.restore(traffic);
      this.logger.warn(
        `Could not store the traffic of ${traffic.length} device-hours; kept for the next flush: ${String(error)}`,
      );
    }
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { DataSessionEntity } from '../entities/data-session.entity';
import type { PageOf, PageRequest } from './keyset-page';

/** Where a data session stands in its Sim's list: by start, then SID. */
export interface DataSessionKey {
  startedAt: Date;
  sid: string;
}

/** A data session as the API shows it. */
export interface DataSession {
  sid: string;
  simSid: string;
  imei: string | null;
  start: Date;
  /** Null while the session is open. */
  end: Date | null;
  lastUpdated: Date;
  packetsUploaded: number;
  packetsDownloaded: number;
}

/**
 * The data sessions of a Sim, oldest first: in order of creation, like every Twilio list of
 * FleetHub. A session idle for longer than DATA_SESSION_IDLE_MINUTES is over even before a flush
 * has ended it in the database: it shows as ended at its last traffic.
 */
@Injectable()
export class DataSessionsService {
  private readonly idleMs: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.idleMs = config.wireless.dataSessionIdleMs;
  }

  /** One keyset page, one range of the (sim_sid, started_at, sid) index. */
  async list(
    tenantId: string,
    simSid: string,
    page: PageRequest<DataSessionKey>,
    now = new Date(),
  ): Promise<PageOf<DataSession>> {
    // Reading back (a previous page) walks the index the other way.
    const backwards = page.before !== undefined;
    const key = page.before ?? page.after;
    const query = this.dataSource
      .getRepository(DataSessionEntity)
      .createQueryBuilder('d')
      .where('d.tenant_id = :tenantId AND d.sim_sid = :simSid', { tenantId, simSid })
      .orderBy('d.started_at', backwards ? 'DESC' : 'ASC')
      .addOrderBy('d.sid', backwards ? 'DESC' : 'ASC')
      .limit(page.size + 1);
    if (key) {
      query.andWhere(`(d.started_at, d.sid) ${backwards ? '<' : '>'} (:startedAt, :sid)`, key);
    }
    const rows = await query.getMany();
    const more = rows.length > page.size;
    const shown = rows.slice(0, page.size);
    if (backwards) shown.reverse();
    return { items: shown.map((row) => this.present(row, now)), more };
  }

  private present(row: DataSessionEntity, now: Date): DataSession {
    const idle = now.getTime() - row.lastUpdatedAt.getTime() > this.idleMs;
    return {
      sid: row.sid,
      simSid: row.simSid,
      imei: row.imei,
      start: row.startedAt,
      end: row.endedAt ?? (idle ? row.lastUpdatedAt : null),
      lastUpdated: row.lastUpdatedAt,
      packetsUploaded: Number(row.packetsUploaded),
      packetsDownloaded: Number(row.packetsDownloaded),
    };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { keysetPage } from '../../twilio/keyset-page';
import type { Page, PageRequest } from '../../twilio/paging';
import { isSid } from '../../twilio/sid';
import { DataSessionEntity } from '../entities/data-session.entity';
import { DATA_SESSION_SID_PREFIX } from '../wireless-addresses';

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

  /** One keyset page of a Sim of the tenant (already resolved): a range of (sim_sid, started_at, sid). */
  async list(
    tenantId: string,
    simSid: string,
    request: PageRequest,
    now = new Date(),
  ): Promise<Page<DataSession>> {
    const query = this.dataSource
      .getRepository(DataSessionEntity)
      .createQueryBuilder('d')
      .where('d.tenant_id = :tenantId AND d.sim_sid = :simSid', { tenantId, simSid });
    const page = await keysetPage(
      query,
      [
        { column: 'd.started_at', type: 'timestamptz' },
        {
          column: 'd.sid',
          type: 'char(34)',
          valid: (sid) => isSid(DATA_SESSION_SID_PREFIX, sid),
        },
      ],
      request,
    );
    return { ...page, rows: page.rows.map((row) => this.present(row, now)) };
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

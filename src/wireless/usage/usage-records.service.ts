import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Page, PageRequest } from '../../twilio/paging';
import { TwilioError } from '../../twilio/twilio-error';
import { UsageBuckets, usagePeriod, type Granularity, type Period } from './usage-periods';
import {
  NOTHING_MEASURED,
  usageRecord,
  type MeasuredUsage,
  type UsageRecord,
} from './usage-record';

export interface UsageRecordsQuery {
  tenantId: string;
  /** A Sim of the tenant (already resolved); unset: every Sim of the account. */
  simSid?: string;
  start?: Date;
  end?: Date;
  granularity: Granularity;
}

/** A page of records, and the period they are of (the query's, widened to whole hours). */
export interface UsageRecordsPage extends Page<UsageRecord> {
  period: Period;
}

interface HourRow {
  hour: Date;
  upload?: string;
  download?: string;
  from_sim?: string;
  to_sim?: string;
}

/** Bytes of the Sims' hours in `[$2, $3)`, by hour: one Sim's (`$4`) or the account's. */
const usageHoursSql = (oneSim: boolean) => `
SELECT hour, sum(upload_bytes) AS upload, sum(download_bytes) AS download
FROM wireless_sim_usage
WHERE tenant_id = $1 AND hour >= $2 AND hour < $3 ${oneSim ? 'AND sim_sid = $4' : ''}
GROUP BY hour`;

/** Commands created in `[$2, $3)`, by hour and direction: one Sim's (`$4`) or the account's. */
const commandHoursSql = (oneSim: boolean) => `
SELECT date_trunc('hour', created_at, 'UTC') AS hour,
  count(*) FILTER (WHERE direction = 'from_sim') AS from_sim,
  count(*) FILTER (WHERE direction = 'to_sim') AS to_sim
FROM wireless_commands
WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3 ${oneSim ? 'AND sim_sid = $4' : ''}
GROUP BY 1`;

/**
 * UsageRecords of a Sim or of the whole account: the bytes its devices' requests and answers
 * carried (see UsageFlusher) and the Commands sent and received, per hour, day or the whole
 * period, oldest first. Every bucket of the period has its record, zeros included, so a record's
 * period start keys the pages: a page reads only the hours it covers.
 */
@Injectable()
export class UsageRecordsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(
    query: UsageRecordsQuery,
    request: PageRequest,
    now = new Date(),
  ): Promise<UsageRecordsPage> {
    const buckets = this.bucketsOf(query, now);
    const { token, size } = request;
    // A token holds the start of a record of this very query, as `keys` wrote it.
    const key = token?.key.length === 1 ? new Date(token.key[0]) : undefined;
    const keyWritten = key && !Number.isNaN(key.getTime()) && key.toISOString() === token?.key[0];
    if (token && !(keyWritten && buckets.isBucketStart(key))) throw TwilioError.invalidPageToken();
    const backward = token?.direction === 'before';
    const read = buckets.page(size + 1, { [backward ? 'before' : 'after']: key });
    const more = read.length > size;
    const periods = backward ? read.slice(Math.max(0, read.length - size)) : read.slice(0, size);
    const rows = await this.records(query, buckets, periods);
    return {
      period: buckets.period,
      rows,
      keys: periods.map((period) => [period.start.toISOString()]),
      // Before a token's record lie those a PA page came from; after it, those a PB page came from.
      hasNext: backward ? rows.length > 0 : more,
      hasPrevious: backward ? more : token !== undefined && rows.length > 0,
    };
  }

  /**
   * The buckets of a query's records: its period widened to whole hours (see `usagePeriod`).
   * Start after End is a 20001.
   */
  private bucketsOf(query: UsageRecordsQuery, now = new Date()): UsageBuckets {
    const period = usagePeriod(query, now);
    if (!period) throw TwilioError.invalidParameter('Start', 'must not be after End');
    return new UsageBuckets(period, query.granularity);
  }

  /** The records of `periods`, consecutive buckets of `buckets`, from the hours they cover. */
  private async records(
    query: UsageRecordsQuery,
    buckets: UsageBuckets,
    periods: Period[],
  ): Promise<UsageRecord[]> {
    if (periods.length === 0) return [];
    const params = [
      query.tenantId,
      periods[0].start,
      periods[periods.length - 1].end,
      ...(query.simSid ? [query.simSid] : []),
    ];
    const oneSim = query.simSid !== undefined;
    const hours = [
      ...(await this.dataSource.query<HourRow[]>(usageHoursSql(oneSim), params)),
      ...(await this.dataSource.query<HourRow[]>(commandHoursSql(oneSim), params)),
    ];
    const measured = new Map<number, MeasuredUsage>();
    for (const row of hours) {
      const key = buckets.startOf(row.hour).getTime();
      const sum = measured.get(key) ?? { ...NOTHING_MEASURED };
      sum.uploadBytes += Number(row.upload ?? 0);
      sum.downloadBytes += Number(row.download ?? 0);
      sum.commandsFromSim += Number(row.from_sim ?? 0);
      sum.commandsToSim += Number(row.to_sim ?? 0);
      measured.set(key, sum);
    }
    return periods.map((period) =>
      usageRecord(period, measured.get(period.start.getTime()) ?? NOTHING_MEASURED),
    );
  }
}

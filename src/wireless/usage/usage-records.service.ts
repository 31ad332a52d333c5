import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { PageOf, PageRequest } from './keyset-page';
import { UsageBuckets, usagePeriod, type Granularity } from './usage-periods';
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

  /** The buckets a query's records cover (its period widened to whole hours, see `usagePeriod`). */
  bucketsOf(query: UsageRecordsQuery, now = new Date()): UsageBuckets {
    return new UsageBuckets(usagePeriod(query, now), query.granularity);
  }

  async list(
    query: UsageRecordsQuery,
    page: PageRequest<Date>,
    now = new Date(),
  ): Promise<PageOf<UsageRecord>> {
    const buckets = this.bucketsOf(query, now);
    const read = buckets.page(page.size + 1, page);
    const more = read.length > page.size;
    const periods = page.before
      ? read.slice(Math.max(0, read.length - page.size))
      : read.slice(0, page.size);
    if (periods.length === 0) return { items: [], more };

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
    return {
      items: periods.map((period) =>
        usageRecord(period, measured.get(period.start.getTime()) ?? NOTHING_MEASURED),
      ),
      more,
    };
  }
}

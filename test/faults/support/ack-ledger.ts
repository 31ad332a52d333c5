import { Client } from 'pg';
import { waitFor } from '../../utils/wait';

/** How the acknowledged points stand in PostgreSQL. */
export interface StoredCount {
  acknowledged: number;
  /** Acknowledged points with exactly one row. */
  storedOnce: number;
  /** Acknowledged points with no row. */
  missing: number;
  /** Acknowledged points with more than one row. */
  doubled: number;
}

/**
 * Every point acknowledged with 200, by its natural key (IMEI, datetime, event code), and the
 * check that each one is in PostgreSQL exactly once.
 */
export class AckLedger {
  private readonly imeis: string[] = [];
  private readonly datetimes: string[] = [];
  private readonly eventcodes: string[] = [];
  private readonly keys = new Set<string>();

  get size(): number {
    return this.imeis.length;
  }

  acknowledge(points: Record<string, unknown>[]): void {
    for (const point of points) {
      const [imei, datetime, eventcode] = [point.imei, point.datetime, point.eventcode].map(String);
      const key = `${imei}|${datetime}|${eventcode}`;
      // The load sends unique points only; a repeat would make the counts below meaningless.
      if (this.keys.has(key)) throw new Error(`point ${key} was acknowledged twice`);
      this.keys.add(key);
      this.imeis.push(imei);
      this.datetimes.push(datetime);
      this.eventcodes.push(eventcode);
    }
  }

  /** Counts the rows of each acknowledged point in `tenant`'s positions. */
  async count(databaseUrl: string, tenant: string): Promise<StoredCount> {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<Record<keyof StoredCount, string>>(
        `SELECT count(*) AS acknowledged,
                count(*) FILTER (WHERE n = 1) AS "storedOnce",
                count(*) FILTER (WHERE n = 0) AS missing,
                count(*) FILTER (WHERE n > 1) AS doubled
           FROM (SELECT (SELECT count(*)
                           FROM positions p
                           JOIN devices d ON d.id = p.device_id
                          WHERE d.tenant_id = t.id
                            AND d.external_id = k.imei
                            AND p.recorded_at = k.datetime::timestamp AT TIME ZONE 'UTC'
                            AND p.eventcode = k.eventcode) AS n
                   FROM unnest($1::text[], $2::text[], $3::text[]) AS k(imei, datetime, eventcode)
                   CROSS JOIN (SELECT id FROM tenants WHERE slug = $4) t) counted`,
        [this.imeis, this.datetimes, this.eventcodes, tenant],
      );
      const [row] = rows;
      return {
        acknowledged: Number(row.acknowledged),
        storedOnce: Number(row.storedOnce),
        missing: Number(row.missing),
        doubled: Number(row.doubled),
      };
    } finally {
      await client.end();
    }
  }

  /**
   * The promise of every fault case: waits (up to a minute) until each acknowledged point is in
   * `tenant`'s positions, then requires every one of them there exactly once.
   */
  async expectStoredOnce(databaseUrl: string, tenant: string): Promise<void> {
    const stored = await waitFor(
      () => this.count(databaseUrl, tenant),
      ({ storedOnce }) => storedOnce === this.size,
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(stored).toEqual({
      acknowledged: this.size,
      storedOnce: this.size,
      missing: 0,
      doubled: 0,
    });
  }
}

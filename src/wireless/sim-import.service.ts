import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import type { TenantEntity } from '../auth/entities/tenant.entity';
import { requireTenant } from '../auth/require-tenant';
import { newSid } from '../twilio/sid';
import { RatePlanEntity } from './entities/rate-plan.entity';
import { SimEntity } from './entities/sim.entity';
import { badRow, readSimCsv, type SimCsvRow } from './sim-csv';
import { SIM_SID_PREFIX, ratePlanAddress } from './wireless-addresses';

export interface SimImport {
  tenant: TenantEntity;
  /** The Sims of the file, in its order, as they now are. */
  sims: SimEntity[];
  created: number;
  updated: number;
}

/** Rows a statement inserts at once: 7 parameters each, well under PostgreSQL's 65535. */
const INSERT_CHUNK = 1000;

/**
 * Imports an operator's file of SIMs into a tenant (`sim:import`). SIMs come from the carrier, so
 * this is how Sims are created; Twilio's API has no create. All or nothing: the first bad row stops
 * the import and nothing of the file is kept.
 */
@Injectable()
export class SimImportService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * A new ICCID becomes a Sim, `new`; a known one of this tenant is updated, each blank cell
   * leaving its field as it is (a name given through the API stays); one held by another tenant
   * is a bad row, as are an unknown rate plan and a unique name another Sim of the tenant holds.
   */
  async import(tenantSlug: string, text: string): Promise<SimImport> {
    const rows = readSimCsv(text);
    return this.dataSource.transaction(async (manager) => {
      const tenant = await requireTenant(manager, tenantSlug);
      const iccids = rows.map((row) => row.iccid);
      // Locked: a concurrent import of the same SIMs waits for this one rather than interleave.
      const known = new Map(
        (
          await manager.find(SimEntity, {
            where: { iccid: In(iccids) },
            lock: { mode: 'pessimistic_write' },
          })
        ).map((sim) => [sim.iccid, sim]),
      );
      const ratePlans = await this.ratePlanSids(manager, tenant.id, rows);
      const holders = await this.uniqueNameHolders(manager, tenant.id, rows);

      const created: Partial<SimEntity>[] = [];
      const updated: SimEntity[] = [];
      for (const row of rows) {
        const sim = known.get(row.iccid);
        if (sim && sim.tenantId !== tenant.id) {
          throw badRow(row.line, `iccid ${row.iccid} is a SIM of another tenant`);
        }
        const ratePlanSid = row.ratePlan === null ? null : ratePlans.get(row.ratePlan);
        if (ratePlanSid === undefined) {
          throw badRow(
            row.line,
            `rate_plan ${row.ratePlan} is no RatePlan of tenant ${tenantSlug}`,
          );
        }
        const holder = row.uniqueName === null ? undefined : holders.get(row.uniqueName);
        if (holder && holder.iccid !== row.iccid) {
          throw badRow(
            row.line,
            `unique_name ${row.uniqueName} is the name of Sim ${holder.sid} (iccid ${holder.iccid})`,
          );
        }
        const fields = {
          uniqueName: row.uniqueName ?? sim?.uniqueName ?? null,
          eId: row.eId ?? sim?.eId ?? null,
          imei: row.imei ?? sim?.imei ?? null,
          ratePlanSid: ratePlanSid ?? sim?.ratePlanSid ?? null,
        };
        if (sim) updated.push(Object.assign(sim, fields));
        else
          created.push({
            sid: newSid(SIM_SID_PREFIX),
            tenantId: tenant.id,
            iccid: row.iccid,
            ...fields,
          });
      }

      for (let start = 0; start < created.length; start += INSERT_CHUNK) {
        await manager.insert(SimEntity, created.slice(start, start + INSERT_CHUNK));
      }
      await manager.save(updated);

      const byIccid = new Map(
        (await manager.findBy(SimEntity, { iccid: In(iccids) })).map((sim) => [sim.iccid, sim]),
      );
      return {
        tenant,
        sims: iccids.map((iccid) => byIccid.get(iccid)!),
        created: created.length,
        updated: updated.length,
      };
    });
  }

  /**
   * The SID of each rate plan the rows name, by SID or unique name (as a path addresses one:
   * `resourceAddress`), among the tenant's own; those it has not are left out.
   */
  private async ratePlanSids(
    manager: EntityManager,
    tenantId: string,
    rows: SimCsvRow[],
  ): Promise<Map<string, string>> {
    const refs = [...new Set(rows.flatMap((row) => (row.ratePlan === null ? [] : [row.ratePlan])))];
    const addressed = refs.flatMap((ref) => {
      const address = ratePlanAddress(ref);
      return address ? [{ ref, address }] : [];
    });
    if (addressed.length === 0) return new Map();
    const plans = await manager.find(RatePlanEntity, {
      where: addressed.map(({ address }) => ({ tenantId, ...address })),
    });
    const resolved = new Map<string, string>();
    for (const { ref, address } of addressed) {
      const plan = plans.find((candidate) =>
        'sid' in address
          ? candidate.sid === address.sid
          : candidate.uniqueName === address.uniqueName,
      );
      if (plan) resolved.set(ref, plan.sid);
    }
    return resolved;
  }

  /** The tenant's Sims that hold the unique names the rows give, by name. */
  private async uniqueNameHolders(
    manager: EntityManager,
    tenantId: string,
    rows: SimCsvRow[],
  ): Promise<Map<string, SimEntity>> {
    const names = rows.flatMap((row) => (row.uniqueName === null ? [] : [row.uniqueName]));
    const holders = await manager.findBy(SimEntity, { tenantId, uniqueName: In(names) });
    return new Map(holders.map((sim) => [sim.uniqueName!, sim]));
  }
}

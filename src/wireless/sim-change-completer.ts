import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { TenantEntity } from '../auth/entities/tenant.entity';
import { CallbackSender } from '../twilio/callbacks/callback-sender';
import { SimEntity } from './entities/sim.entity';
import { FOLLOW_UPS } from './sim-status';
import type { CompleteSimChangeJob } from './sim-status.queue';

/**
 * Completes Sims' pending changes as they fall due: a Sim `updating` takes its target status (a
 * deactivated one then waits to be canceled), a connectivity reset ends; then the `CallbackUrl` of
 * the request that asked for the change is called.
 */
@Injectable()
export class SimChangeCompleter {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly callbacks: CallbackSender,
  ) {}

  /**
   * Idempotent: a change already completed, or whose Sim is gone, is left alone, so a retried job
   * changes nothing twice. The callback is scheduled before the change commits: a change that
   * fails to commit is retried, and its callback may then be sent twice, but never not at all.
   */
  async complete(jobs: CompleteSimChangeJob[]): Promise<void> {
    for (const job of jobs) {
      await this.dataSource.transaction((manager) => this.completeOne(manager, job));
    }
  }

  private async completeOne(manager: EntityManager, job: CompleteSimChangeJob): Promise<void> {
    const sim = await manager.findOne(SimEntity, {
      where: { sid: job.simSid, tenantId: job.tenantId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!sim) return;
    const { change } = job;
    if (change.kind === 'status') {
      if (sim.targetStatus !== change.status) return;
      sim.status = change.status;
      sim.targetStatus = FOLLOW_UPS[change.status]?.status ?? null;
    } else {
      if (sim.resetStatus !== 'resetting') return;
      sim.resetStatus = null;
    }
    const callback = sim.statusCallbackUrl && {
      url: sim.statusCallbackUrl,
      method: sim.statusCallbackMethod ?? 'POST',
    };
    // The callback belongs to the request: it is called again only for a follow-up of its change.
    if (sim.targetStatus === null && sim.resetStatus === null) {
      sim.statusCallbackUrl = null;
      sim.statusCallbackMethod = null;
    }
    await manager.save(sim);
    if (!callback) return;
    const tenant = await manager.findOneByOrFail(TenantEntity, { id: sim.tenantId });
    await this.callbacks.schedule({
      tenantId: sim.tenantId,
      ...callback,
      params: statusCallbackParams(sim, tenant.accountSid),
      about: sim.sid,
      requestId: job.requestId,
    });
  }
}

/**
 * What a Sim's status callback carries (form parameters of a POST, the query of a GET). Twilio
 * documents none for Programmable Wireless Sims: these follow its callbacks elsewhere (the
 * account, the resource's SID under its kind's name, its state).
 */
export function statusCallbackParams(sim: SimEntity, accountSid: string): Record<string, string> {
  return {
    AccountSid: accountSid,
    SimSid: sim.sid,
    Iccid: sim.iccid,
    ...(sim.uniqueName === null ? {} : { SimUniqueName: sim.uniqueName }),
    Status: sim.status,
  };
}

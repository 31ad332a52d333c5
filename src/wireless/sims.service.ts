import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { keysetPage, type KeyColumn } from '../twilio/keyset-page';
import type { Page, PageRequest } from '../twilio/paging';
import { isSid } from '../twilio/sid';
import type { TwilioAccount } from '../twilio/twilio-api.decorator';
import { TwilioError } from '../twilio/twilio-error';
import type { ListSimsQuery } from './dto/list-sims.dto';
import type { UpdateSimParams } from './dto/update-sim.dto';
import { RatePlanEntity } from './entities/rate-plan.entity';
import { SimEntity } from './entities/sim.entity';
import {
  CHANGING_STATUSES,
  CONNECTED_STATUSES,
  pendingCompletions,
  requestStatus,
} from './sim-status';
import { SimStatusProducer } from './sim-status.producer';
import { SIM_SID_PREFIX, ratePlanAddress, simAddress } from './wireless-addresses';

/** The order of a list of Sims: oldest first, by the (tenant_id, created_at, sid) index. */
const PAGE_KEY: readonly KeyColumn[] = [
  { column: 'sim.created_at', type: 'timestamptz' },
  { column: 'sim.sid', type: 'char(34)', valid: (value) => isSid(SIM_SID_PREFIX, value) },
];

/** The fields an update sets as given, by parameter. */
const PLAIN_FIELDS = {
  FriendlyName: 'friendlyName',
  CommandsCallbackMethod: 'commandsCallbackMethod',
  CommandsCallbackUrl: 'commandsCallbackUrl',
  SmsFallbackMethod: 'smsFallbackMethod',
  SmsFallbackUrl: 'smsFallbackUrl',
  SmsMethod: 'smsMethod',
  SmsUrl: 'smsUrl',
  VoiceFallbackMethod: 'voiceFallbackMethod',
  VoiceFallbackUrl: 'voiceFallbackUrl',
  VoiceMethod: 'voiceMethod',
  VoiceUrl: 'voiceUrl',
} as const satisfies Partial<Record<keyof UpdateSimParams, keyof SimEntity>>;

export interface SimUpdate {
  sim: SimEntity;
  /** A change was asked for that completes later (202): the Sim answers `updating`, say. */
  accepted: boolean;
}

const isUniqueViolation = (error: unknown) =>
  error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';

/**
 * The Sims of a tenant: list, fetch, update, delete. A Sim is addressed by its SID or its unique
 * name; another tenant's Sim is not found, exactly like one that does not exist.
 */
@Injectable()
export class SimsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly completions: SimStatusProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** One page of the tenant's Sims that pass the query's filters, in order of creation. */
  list(tenantId: string, query: ListSimsQuery, request: PageRequest): Promise<Page<SimEntity>> {
    const sims = this.dataSource
      .getRepository(SimEntity)
      .createQueryBuilder('sim')
      .where('sim.tenant_id = :tenantId', { tenantId });
    if (query.Status !== undefined) sims.andWhere('sim.status = :status', { status: query.Status });
    if (query.Iccid !== undefined) sims.andWhere('sim.iccid = :iccid', { iccid: query.Iccid });
    if (query.EId !== undefined) sims.andWhere('sim.e_id = :eId', { eId: query.EId });
    if (query.SimRegistrationCode !== undefined) {
      sims.andWhere('sim.registration_code = :code', { code: query.SimRegistrationCode });
    }
    if (query.RatePlan !== undefined) {
      const plan = ratePlanAddress(query.RatePlan);
      const plans = sims
        .subQuery()
        .select('plan.sid')
        .from(RatePlanEntity, 'plan')
        .where('plan.tenant_id = :tenantId')
        .andWhere(plan && 'sid' in plan ? 'plan.sid = :plan' : 'plan.unique_name = :plan');
      sims.andWhere(`sim.rate_plan_sid IN ${plans.getQuery()}`, {
        plan: plan ? ('sid' in plan ? plan.sid : plan.uniqueName) : null,
      });
    }
    return keysetPage(sims, PAGE_KEY, request);
  }

  /**
   * The tenant's Sim with this SID or unique name; 20404 when it has none. Within a transaction
   * (`manager`), locked until it ends: its completion job waits for the change to commit.
   */
  async find(tenantId: string, sidOrName: string, manager?: EntityManager): Promise<SimEntity> {
    const address = simAddress(sidOrName);
    const sim =
      address &&
      (await (manager ?? this.dataSource.manager).findOne(SimEntity, {
        where: { tenantId, ...address },
        ...(manager ? { lock: { mode: 'pessimistic_write' as const } } : {}),
      }));
    if (!sim) throw TwilioError.notFound(`/Sims/${sidOrName}`);
    return sim;
  }

  /**
   * Applies an update. Names, URLs and the rate plan change at once; a change of status or a
   * connectivity reset is accepted (the Sim `updating`, or `resetting`) and completes
   * WIRELESS_STATUS_DELAY_MS later, when the request's CallbackUrl is called. The completions are
   * queued before the update commits: an update that could not queue them changes nothing.
   */
  async update(
    { tenantId, accountSid }: TwilioAccount,
    sidOrName: string,
    params: UpdateSimParams,
    requestId: string,
  ): Promise<SimUpdate> {
    return this.dataSource.transaction(async (manager) => {
      const sim = await this.find(tenantId, sidOrName, manager);
      this.refuseConflicts(sim, params, accountSid);

      if (params.RatePlan !== undefined) {
        sim.ratePlanSid = await this.ratePlanSid(manager, tenantId, params.RatePlan);
      }
      if (params.UniqueName !== undefined) sim.uniqueName = params.UniqueName;
      for (const [param, field] of Object.entries(PLAIN_FIELDS)) {
        const value = params[param as keyof typeof PLAIN_FIELDS];
        if (value !== undefined) Object.assign(sim, { [field]: value });
      }

      // A Sim busy with a change was refused above: the request changes its status or not.
      const to = params.Status;
      const outcome = to === undefined ? 'unchanged' : requestStatus(sim.status, to);
      if (outcome === 'illegal') {
        throw new TwilioError(400, 33105, `A Sim cannot move from ${sim.status} to ${to}`);
      }
      const changes = to !== undefined && outcome === 'change';
      if (changes) {
        if (CONNECTED_STATUSES.includes(to) && sim.ratePlanSid === null) {
          throw new TwilioError(400, 33104, `A Sim needs a rate plan to become ${to}`);
        }
        sim.status = 'updating';
        sim.targetStatus = to;
      }
      const resets = params.ResetStatus !== undefined;
      if (resets) sim.resetStatus = 'resetting';
      const accepted = changes || resets;
      if (accepted) {
        sim.statusCallbackUrl = params.CallbackUrl ?? null;
        sim.statusCallbackMethod = params.CallbackUrl ? (params.CallbackMethod ?? 'POST') : null;
      }

      await this.save(manager, sim);
      if (accepted) {
        const delayMs = this.config.wireless.statusDelayMs;
        for (const { change, dueInMs } of pendingCompletions(sim, delayMs, 0)) {
          await this.completions.add(
            { tenantId, requestId, simSid: sim.sid, change },
            { delayMs: dueInMs },
          );
        }
      }
      return { sim, accepted };
    });
  }

  async remove(tenantId: string, sidOrName: string): Promise<void> {
    const sim = await this.find(tenantId, sidOrName);
    await this.dataSource.getRepository(SimEntity).delete({ tenantId, sid: sim.sid });
  }

  /** The codes of Twilio's Sim update for requests that cannot be taken as they are. */
  private refuseConflicts(sim: SimEntity, params: UpdateSimParams, accountSid: string): void {
    if (params.Status !== undefined && params.ResetStatus !== undefined) {
      throw new TwilioError(400, 33121, 'Status and ResetStatus cannot be changed together');
    }
    if (params.AccountSid !== undefined && params.AccountSid !== accountSid) {
      throw new TwilioError(403, 33201, 'A Sim cannot move to another account');
    }
    const changing = CHANGING_STATUSES.includes(sim.status);
    if (params.ResetStatus !== undefined && sim.resetStatus === 'resetting') {
      throw new TwilioError(409, 33120, 'The Sim’s connectivity is being reset already');
    }
    const pending = changing || sim.resetStatus === 'resetting';
    const changesStatus = params.Status !== undefined || params.ResetStatus !== undefined;
    if (pending && (changesStatus || params.RatePlan !== undefined)) {
      const what = changing ? `changing to ${sim.targetStatus}` : 'resetting its connectivity';
      throw new TwilioError(409, 33010, `The Sim is ${what}: wait for it to complete`);
    }
    if (params.ResetStatus !== undefined && !CONNECTED_STATUSES.includes(sim.status)) {
      throw new TwilioError(
        400,
        33119,
        `A Sim’s connectivity can be reset only when it is ready or active, not ${sim.status}`,
      );
    }
  }

  /** The SID of the tenant's rate plan with this SID or unique name; 33108 when it has none. */
  private async ratePlanSid(manager: EntityManager, tenantId: string, ref: string) {
    const address = ratePlanAddress(ref);
    const plan = address && (await manager.findOneBy(RatePlanEntity, { tenantId, ...address }));
    if (!plan) throw new TwilioError(400, 33108, `RatePlan ${ref} was not found`);
    return plan.sid;
  }

  /** Saves the Sim; a unique name another Sim of the tenant holds is a 33101. */
  private async save(manager: EntityManager, sim: SimEntity): Promise<void> {
    try {
      await manager.save(sim);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw new TwilioError(
        400,
        33101,
        `Invalid parameter UniqueName: another Sim is named ${sim.uniqueName}`,
      );
    }
  }
}

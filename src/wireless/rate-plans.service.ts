import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { isConstraintViolation } from '../database/constraint-violation';
import { keysetPage } from '../twilio/keyset-page';
import type { Page, PageRequest } from '../twilio/paging';
import { isSid, newSid } from '../twilio/sid';
import { TwilioError } from '../twilio/twilio-error';
import {
  INVALID_PARAMETER_VALUE,
  type CreateRatePlanParams,
  type UpdateRatePlanParams,
} from './dto/rate-plan.params';
import { RatePlanEntity } from './entities/rate-plan.entity';
import { SimEntity } from './entities/sim.entity';
import { RATE_PLAN_SID_PREFIX, ratePlanAddress } from './wireless-addresses';

/** Twilio's code for an operation the account may not perform (33201 "Unauthorized"). */
const NOT_PERMITTED = 33201;

/** A unique name already taken; a rate plan Sims still use (their foreign key restricts). */
const UNIQUE_NAME_TAKEN = ['23505', 'wireless_rate_plans_tenant_id_unique_name_key'] as const;
const USED_BY_SIMS = ['23503', 'wireless_sims_rate_plan_sid_fkey'] as const;

function uniqueNameTaken(name: string): TwilioError {
  return TwilioError.invalidParameter(
    'UniqueName',
    `"${name}" is the unique name of another rate plan of this account`,
    INVALID_PARAMETER_VALUE,
  );
}

/** A tenant's rate plans. Every query has the tenant: another tenant's plan does not exist here. */
@Injectable()
export class RatePlansService {
  constructor(
    @InjectRepository(RatePlanEntity) private readonly ratePlans: Repository<RatePlanEntity>,
    @InjectRepository(SimEntity) private readonly sims: Repository<SimEntity>,
  ) {}

  async create(tenantId: string, params: CreateRatePlanParams): Promise<RatePlanEntity> {
    const plan = this.ratePlans.create({
      sid: newSid(RATE_PLAN_SID_PREFIX),
      tenantId,
      uniqueName: params.UniqueName ?? null,
      friendlyName: params.FriendlyName ?? null,
      dataEnabled: params.DataEnabled,
      dataLimit: params.DataLimit,
      dataMetering: params.DataMetering,
      dataLimitStrategy: params.DataLimitStrategy,
      messagingEnabled: params.MessagingEnabled,
      voiceEnabled: params.VoiceEnabled,
      nationalRoamingEnabled: params.NationalRoamingEnabled,
      nationalRoamingDataLimit: params.NationalRoamingDataLimit,
      internationalRoaming: params.InternationalRoaming,
      internationalRoamingDataLimit: params.InternationalRoamingDataLimit,
    });
    try {
      // insert: the dates the database gives it come back into `plan`.
      await this.ratePlans.insert(plan);
      return plan;
    } catch (error) {
      if (isConstraintViolation(error, ...UNIQUE_NAME_TAKEN))
        throw uniqueNameTaken(plan.uniqueName!);
      throw error;
    }
  }

  /** A page of the tenant's rate plans, in order of creation. */
  list(tenantId: string, request: PageRequest): Promise<Page<RatePlanEntity>> {
    const query = this.ratePlans
      .createQueryBuilder('plan')
      .where('plan.tenant_id = :tenantId', { tenantId });
    return keysetPage(
      query,
      [
        { column: 'plan.created_at', type: 'timestamptz' },
        { column: 'plan.sid', type: 'char(34)', valid: (sid) => isSid(RATE_PLAN_SID_PREFIX, sid) },
      ],
      request,
    );
  }

  /** The tenant's rate plan of this SID or unique name; 20404 when it has none. */
  async fetch(tenantId: string, sidOrName: string): Promise<RatePlanEntity> {
    const address = ratePlanAddress(sidOrName);
    const plan = address && (await this.ratePlans.findOneBy({ tenantId, ...address }));
    if (!plan) throw TwilioError.notFound(`/RatePlans/${sidOrName}`);
    return plan;
  }

  async update(
    tenantId: string,
    sidOrName: string,
    params: UpdateRatePlanParams,
  ): Promise<RatePlanEntity> {
    const plan = await this.fetch(tenantId, sidOrName);
    if (params.UniqueName !== undefined) plan.uniqueName = params.UniqueName;
    if (params.FriendlyName !== undefined) plan.friendlyName = params.FriendlyName;
    try {
      return await this.ratePlans.save(plan);
    } catch (error) {
      if (isConstraintViolation(error, ...UNIQUE_NAME_TAKEN))
        throw uniqueNameTaken(plan.uniqueName!);
      throw error;
    }
  }

  /** Deletes a rate plan no Sim uses; one that Sims use is refused, saying how many. */
  async remove(tenantId: string, sidOrName: string): Promise<void> {
    const plan = await this.fetch(tenantId, sidOrName);
    try {
      await this.ratePlans.delete({ tenantId, sid: plan.sid });
    } catch (error) {
      // The foreign key decides, not a count beforehand: a Sim assigned meanwhile is seen too.
      if (!isConstraintViolation(error, ...USED_BY_SIMS)) throw error;
      const count = await this.sims.countBy({ ratePlanSid: plan.sid });
      throw new TwilioError(
        400,
        NOT_PERMITTED,
        `The rate plan ${plan.sid} is used by ${count} Sim${count === 1 ? '' : 's'}: ` +
          'move them to another rate plan before deleting it',
      );
    }
  }
}

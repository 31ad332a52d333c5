import type { EntityManager } from 'typeorm';
import { RatePlanEntity } from '../entities/rate-plan.entity';
import type { SimEntity } from '../entities/sim.entity';

/**
 * Why a Sim may not exchange Commands, or undefined when it may: Twilio's rule is a Sim `ready`
 * or `active`, on a rate plan (when it has one) that allows messaging.
 */
export async function messagingRefusal(
  manager: EntityManager,
  sim: SimEntity,
): Promise<'sim-not-ready' | 'plan-without-messaging' | undefined> {
  if (sim.status !== 'ready' && sim.status !== 'active') return 'sim-not-ready';
  if (sim.ratePlanSid === null) return undefined;
  const plan = await manager.findOneBy(RatePlanEntity, { sid: sim.ratePlanSid });
  return plan && !plan.messagingEnabled ? 'plan-without-messaging' : undefined;
}

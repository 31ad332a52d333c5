import { randomInt } from 'node:crypto';
import { newSid } from '../../src/twilio/sid';
import { RatePlanEntity } from '../../src/wireless/entities/rate-plan.entity';
import { SimEntity } from '../../src/wireless/entities/sim.entity';
import type { TestApp } from '../utils/test-app';

/** A random 20-digit ICCID (89: telecom), unique for all the tests of a run in practice. */
export function randomIccid(): string {
  return `89${Array.from({ length: 18 }, () => randomInt(10)).join('')}`;
}

/** A Sim of `tenantId`, stored as an import would store it; `active` unless told. */
export async function insertSim(
  testApp: TestApp,
  tenantId: string,
  fields: Partial<SimEntity> = {},
): Promise<SimEntity> {
  const sims = testApp.dataSource.getRepository(SimEntity);
  return sims.save(
    sims.create({ sid: newSid('DE'), tenantId, iccid: randomIccid(), status: 'active', ...fields }),
  );
}

/** A RatePlan of `tenantId`, with Twilio's defaults unless told. */
export async function insertRatePlan(
  testApp: TestApp,
  tenantId: string,
  fields: Partial<RatePlanEntity> = {},
): Promise<RatePlanEntity> {
  const plans = testApp.dataSource.getRepository(RatePlanEntity);
  return plans.save(
    plans.create({
      sid: newSid('WP'),
      tenantId,
      dataEnabled: true,
      dataLimit: 1000,
      dataMetering: 'payg',
      dataLimitStrategy: 'block',
      messagingEnabled: true,
      voiceEnabled: false,
      nationalRoamingEnabled: true,
      nationalRoamingDataLimit: 1000,
      internationalRoaming: ['data', 'messaging'],
      internationalRoamingDataLimit: 1000,
      ...fields,
    }),
  );
}

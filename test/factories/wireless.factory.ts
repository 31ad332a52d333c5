import { randomInt } from 'node:crypto';
import { newSid } from '../../src/twilio/sid';
import { SimEntity } from '../../src/wireless/entities/sim.entity';
import type { TestApp } from '../utils/test-app';

/** An ICCID-shaped number (89 + 17 digits + a digit), new each time. */
export const randomIccid = () => `89${Array.from({ length: 18 }, () => randomInt(10)).join('')}`;

/** A Sim of a tenant as an operator's import leaves it: `new`, on `ratePlanSid` if given. */
export async function insertSim(
  testApp: TestApp,
  tenantId: string,
  overrides: Partial<SimEntity> = {},
): Promise<SimEntity> {
  const repository = testApp.dataSource.getRepository(SimEntity);
  return repository.save(
    repository.create({ sid: newSid('DE'), tenantId, iccid: randomIccid(), ...overrides }),
  );
}

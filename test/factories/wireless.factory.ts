import { randomInt } from 'node:crypto';
import { newSid } from '../../src/twilio/sid';
import { RatePlanEntity } from '../../src/wireless/entities/rate-plan.entity';
import type { CommandDirection } from '../../src/wireless/entities/command.entity';
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

/** A Sim that may exchange Commands: `active`. */
export const insertActiveSim = (
  testApp: TestApp,
  tenantId: string,
  overrides: Partial<SimEntity> = {},
): Promise<SimEntity> => insertSim(testApp, tenantId, { status: 'active', ...overrides });

/** A RatePlan of a tenant, with the API's defaults unless told. */
export async function insertRatePlan(
  testApp: TestApp,
  tenantId: string,
  overrides: Partial<RatePlanEntity> = {},
): Promise<RatePlanEntity> {
  const repository = testApp.dataSource.getRepository(RatePlanEntity);
  return repository.save(
    repository.create({
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
      ...overrides,
    }),
  );
}

/** A Command of the Sim, created at `createdAt`. */
export async function insertCommand(
  testApp: TestApp,
  tenantId: string,
  simSid: string,
  direction: CommandDirection,
  createdAt: Date,
): Promise<string> {
  const commandSid = newSid('DC');
  await testApp.dataSource.query(
    `INSERT INTO wireless_commands (sid, tenant_id, sim_sid, command, command_mode, transport,
       delivery_receipt_requested, status, direction, created_at, updated_at)
     VALUES ($1, $2, $3, 'ping', 'text', 'ip', false, $4, $5, $6, $6)`,
    [
      commandSid,
      tenantId,
      simSid,
      direction === 'to_sim' ? 'delivered' : 'received',
      direction,
      createdAt,
    ],
  );
  return commandSid;
}

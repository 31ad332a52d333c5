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

/** `payload` followed by its Luhn check digit. */
function withLuhnDigit(payload: string): string {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    let digit = Number(payload[payload.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return `${payload}${(10 - (sum % 10)) % 10}`;
}

/** A valid 20-digit ICCID, one per `serial` within a `batch` (e.g. one batch per test file). */
export function iccid(serial: number, batch = 0): string {
  return withLuhnDigit(`8988${String(batch).padStart(5, '0')}${String(serial).padStart(10, '0')}`);
}

/** A valid EID (32 digits, MOD 97-10 check digits), one per `serial`. */
export function eid(serial: number): string {
  const payload = `8904903200${String(serial).padStart(20, '0')}`;
  const check = 98n - ((BigInt(payload) * 100n) % 97n);
  return `${payload}${String(check).padStart(2, '0')}`;
}

export interface SimCsvLine {
  iccid: string;
  uniqueName?: string;
  eid?: string;
  imei?: string;
  ratePlan?: string;
}

/** A `sim:import` file: the header, then one line per SIM (absent cells blank). */
export function simCsv(lines: SimCsvLine[]): string {
  return [
    'iccid,unique_name,eid,imei,rate_plan',
    ...lines.map((line) =>
      [line.iccid, line.uniqueName, line.eid, line.imei, line.ratePlan]
        .map((cell) => cell ?? '')
        .join(','),
    ),
  ].join('\n');
}

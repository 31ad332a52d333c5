import { randomBytes, randomInt } from 'node:crypto';
import type { CommandDirection } from '../../src/wireless/entities/command.entity';
import type { TestApp } from '../utils/test-app';

const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

/** A fresh 19-digit ICCID, so tests sharing a database never see each other's Sims. */
export const randomIccid = () =>
  `8901${String(randomInt(1e9)).padStart(9, '0')}${String(randomInt(1e6)).padStart(6, '0')}`;

/** A Sim of the tenant, as an import leaves it, linked to the device that sends as `imei`. */
export async function insertSim(
  testApp: TestApp,
  tenantId: string,
  { imei, createdAt = new Date() }: { imei: string | null; createdAt?: Date },
): Promise<string> {
  const simSid = sid('DE');
  await testApp.dataSource.query(
    `INSERT INTO wireless_sims (sid, tenant_id, iccid, imei, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $5)`,
    [simSid, tenantId, randomIccid(), imei, createdAt],
  );
  return simSid;
}

/** A Command of the Sim, created at `createdAt`. */
export async function insertCommand(
  testApp: TestApp,
  tenantId: string,
  simSid: string,
  direction: CommandDirection,
  createdAt: Date,
): Promise<string> {
  const commandSid = sid('DC');
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

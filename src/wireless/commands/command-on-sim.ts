import type { EntityManager } from 'typeorm';
import { TenantEntity } from '../../auth/entities/tenant.entity';
import { CommandEntity } from '../entities/command.entity';
import { SimEntity } from '../entities/sim.entity';

/** A Command with what its delivery and its callbacks name: its Sim and its tenant's account. */
export interface CommandOnSim {
  command: CommandEntity;
  sim: SimEntity;
  accountSid: string;
}

/** The Command `sid` of `tenantId`, with its Sim and account; undefined when there is none. */
export async function findCommandOnSim(
  manager: EntityManager,
  tenantId: string,
  sid: string,
): Promise<CommandOnSim | undefined> {
  const command = await manager.findOneBy(CommandEntity, { sid, tenantId });
  if (!command) return undefined;
  const sim = await manager.findOneByOrFail(SimEntity, { sid: command.simSid });
  const { accountSid } = await manager.findOneOrFail(TenantEntity, {
    select: { accountSid: true },
    where: { id: tenantId },
  });
  return { command, sim, accountSid };
}

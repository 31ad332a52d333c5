import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import type { Page, PageRequest } from '../../twilio/paging';
import { keysetPage } from '../../twilio/keyset-page';
import { isSid, newSid } from '../../twilio/sid';
import { TwilioError } from '../../twilio/twilio-error';
import {
  CommandEntity,
  type CommandDirection,
  type CommandMode,
  type CommandStatus,
  type CommandTransport as TwilioTransport,
  type IncludeSid,
} from '../entities/command.entity';
import { SimEntity, type HttpMethod } from '../entities/sim.entity';
import { commandProblem } from './command-body';
import { CommandDeliveryProducer } from './command-delivery.producer';
import { messagingRefusal } from './sim-messaging';
import { twilioTransport } from './transports/command-transport';
import { COMMAND_SID_PREFIX, simAddress } from '../wireless-addresses';

/** Twilio's limit of Commands waiting for one Sim (33118 past it). */
export const MAX_QUEUED_PER_SIM = 100;

export interface CreateCommand {
  command?: string;
  /** The Sim's SID or unique name. */
  sim?: string;
  commandMode: CommandMode;
  includeSid: IncludeSid;
  deliveryReceiptRequested: boolean;
  callbackUrl?: string;
  callbackMethod: HttpMethod;
}

export interface CommandFilters {
  /** The Sim's SID or unique name. */
  sim?: string;
  status?: CommandStatus;
  direction?: CommandDirection;
  transport?: TwilioTransport;
}

/** The Sim a Command names by SID or unique name, among its tenant's only; undefined: none can. */
function simWhere(tenantId: string, sim: string) {
  const address = simAddress(sim);
  return address && { tenantId, ...address };
}

/** A Command's SID as stored (hex digits in lower case); undefined when `sid` is not one. */
const commandSid = (sid: string) =>
  isSid(COMMAND_SID_PREFIX, sid) ? `${COMMAND_SID_PREFIX}${sid.slice(2).toLowerCase()}` : undefined;

/**
 * Commands as the API sees them: created `queued` (to_sim) and handed to the delivery queue,
 * listed in keyset pages, fetched and deleted by SID, always within one tenant.
 */
@Injectable()
export class CommandsService {
  private readonly transport: TwilioTransport;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    // Absent without a transport: Commands then stay queued.
    @Optional() private readonly delivery?: CommandDeliveryProducer,
  ) {
    this.transport = twilioTransport(config.commands.transport);
  }

  /**
   * A new Command, `queued`. The Sim's row is locked while its queued Commands are counted, so two
   * creates cannot both take the 100th place. Once it is stored the Command is queued for delivery;
   * a queue that cannot take it (503) leaves no Command behind.
   */
  async create(tenantId: string, input: CreateCommand, requestId: string): Promise<CommandEntity> {
    if (!input.command) throw TwilioError.missingParameter('Command');
    if (!input.sim) {
      throw new TwilioError(400, 33102, 'Missing required parameter Sim in the post body');
    }
    const problem = commandProblem(input.command, input.commandMode, input.includeSid);
    if (problem) throw TwilioError.invalidParameter(problem.parameter, problem.why);
    const { sim } = input;
    const where = simWhere(tenantId, sim);
    const command = await this.dataSource.transaction(async (manager) => {
      const found =
        where && (await manager.findOne(SimEntity, { where, lock: { mode: 'pessimistic_write' } }));
      if (!found) throw new TwilioError(404, 33107, `SIM not found: ${sim}`);
      await this.checkMayReceive(manager, found);
      return manager.save(
        manager.create(CommandEntity, {
          sid: newSid(COMMAND_SID_PREFIX),
          tenantId,
          simSid: found.sid,
          command: input.command,
          commandMode: input.commandMode,
          transport: this.transport,
          includeSid: input.includeSid,
          deliveryReceiptRequested: input.deliveryReceiptRequested,
          status: 'queued',
          direction: 'to_sim',
          callbackUrl: input.callbackUrl ?? null,
          callbackMethod: input.callbackMethod,
        }),
      );
    });
    if (this.delivery) {
      try {
        await this.delivery.add({ requestId, tenantId, commandSid: command.sid });
      } catch (error) {
        await this.dataSource.manager.delete(CommandEntity, { sid: command.sid });
        throw error;
      }
    }
    return command;
  }

  private async checkMayReceive(manager: EntityManager, sim: SimEntity): Promise<void> {
    const refusal = await messagingRefusal(manager, sim);
    if (refusal === 'sim-not-ready') {
      throw new TwilioError(
        400,
        33104,
        `Configuration incomplete: Sim ${sim.sid} is ${sim.status}, and Commands go to ready or active Sims`,
      );
    }
    if (refusal === 'plan-without-messaging') {
      throw new TwilioError(
        403,
        33201,
        `Unauthorized: the rate plan of Sim ${sim.sid} does not allow messaging`,
      );
    }
    const queued = await manager.countBy(CommandEntity, { simSid: sim.sid, status: 'queued' });
    if (queued >= MAX_QUEUED_PER_SIM) {
      throw new TwilioError(
        400,
        33118,
        `Number of Commands exceeded: Sim ${sim.sid} has ${MAX_QUEUED_PER_SIM} queued Commands`,
      );
    }
  }

  /** One page of the tenant's Commands, oldest first; a `Sim` that names none of its Sims lists none. */
  async list(
    tenantId: string,
    filters: CommandFilters,
    request: PageRequest,
  ): Promise<Page<CommandEntity>> {
    const query = this.dataSource.manager
      .createQueryBuilder(CommandEntity, 'command')
      .where('command.tenantId = :tenantId', { tenantId });
    if (filters.sim !== undefined) {
      const where = simWhere(tenantId, filters.sim);
      const sim =
        where &&
        (await this.dataSource.manager.findOne(SimEntity, { select: { sid: true }, where }));
      if (!sim) return { rows: [], keys: [], hasNext: false, hasPrevious: false };
      query.andWhere('command.simSid = :simSid', { simSid: sim.sid });
    }
    for (const column of ['status', 'direction', 'transport'] as const) {
      const value = filters[column];
      if (value !== undefined)
        query.andWhere(`command.${column} = :${column}`, { [column]: value });
    }
    return keysetPage(
      query,
      [
        { column: 'command.created_at', type: 'timestamptz' },
        {
          column: 'command.sid',
          type: 'char(34)',
          valid: (value) => isSid(COMMAND_SID_PREFIX, value),
        },
      ],
      request,
    );
  }

  /** The tenant's Command `sid`; 20404 when it has none of that SID. */
  async fetch(tenantId: string, sid: string): Promise<CommandEntity> {
    const stored = commandSid(sid);
    const command =
      stored && (await this.dataSource.manager.findOneBy(CommandEntity, { tenantId, sid: stored }));
    if (!command) throw TwilioError.notFound(`/Commands/${sid}`);
    return command;
  }

  async remove(tenantId: string, sid: string): Promise<void> {
    const stored = commandSid(sid);
    const { affected } = stored
      ? await this.dataSource.manager.delete(CommandEntity, { tenantId, sid: stored })
      : { affected: 0 };
    if (!affected) throw TwilioError.notFound(`/Commands/${sid}`);
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { newSid } from '../../twilio/sid';
import { CommandEntity, type CommandMode } from '../entities/command.entity';
import { SimEntity } from '../entities/sim.entity';
import { commandFromDevice } from './command-body';
import { CommandCallbacks } from './command-callbacks';
import { findCommandOnSim, type CommandOnSim } from './command-on-sim';
import { messagingRefusal } from './sim-messaging';
import { twilioTransport } from './transports/command-transport';

export interface DeviceMessage {
  iccid: string;
  /** The bytes the device sent. */
  payload: Buffer;
  /** Text or binary, when the transport tells (else told from the bytes). */
  commandMode?: CommandMode;
  /** The transport's own id of the message, when it has one: the same id is the same Command. */
  messageId?: string;
  requestId: string;
}

export type DeviceMessageOutcome =
  | { kind: 'created' | 'already-received'; found: CommandOnSim }
  | { kind: 'unknown-sim' }
  /** Twilio's 33203: the Sim is not `ready` or `active`, or its rate plan forbids messaging. */
  | { kind: 'messaging-not-allowed'; simStatus: string };

/**
 * Device-originated (from_sim) Commands, whichever transport brings them: each message becomes a
 * Command on the Sim of its ICCID, `received`, sent to the Sim's CommandsCallbackUrl.
 */
@Injectable()
export class DeviceCommandsService {
  private readonly logger = new Logger(DeviceCommandsService.name);
  private readonly transport: CommandEntity['transport'];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly callbacks: CommandCallbacks,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.transport = twilioTransport(config.commands.transport);
  }

  async receive({
    iccid,
    payload,
    commandMode: mode,
    messageId,
    requestId,
  }: DeviceMessage): Promise<DeviceMessageOutcome> {
    const manager = this.dataSource.manager;
    // An ICCID belongs to one Sim of one tenant (unique across tenants).
    const sim = await manager.findOneBy(SimEntity, { iccid });
    if (!sim) return { kind: 'unknown-sim' };
    if (await messagingRefusal(manager, sim)) {
      return { kind: 'messaging-not-allowed', simStatus: sim.status };
    }
    const { command, commandMode, truncated } = commandFromDevice(payload, mode);
    if (truncated) {
      this.logger.warn(
        `A Command from Sim ${sim.sid} was over the limit and was cut to it (Twilio's 33111)`,
      );
    }
    const sid = messageId === undefined ? newSid('DC') : messageSid(iccid, messageId);
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(CommandEntity)
      .values({
        sid,
        tenantId: sim.tenantId,
        simSid: sim.sid,
        command,
        commandMode,
        transport: this.transport,
        includeSid: 'none',
        deliveryReceiptRequested: false,
        status: 'received',
        direction: 'from_sim',
        callbackUrl: null,
        callbackMethod: 'POST',
      })
      // The same message again (the gateway's retry) is the Command already made.
      .orIgnore()
      .returning(['sid'])
      .execute();
    const found = await findCommandOnSim(manager, sim.tenantId, sid);
    if (!found) throw new Error(`unreachable: Command ${sid} is neither inserted nor found`);
    const created = (inserted.raw as unknown[]).length > 0;
    if (created) await this.callbacks.received(found, requestId);
    return { kind: created ? 'created' : 'already-received', found };
  }
}

/** The SID of a gateway's message: derived from its id, so that a repeated one is found again. */
function messageSid(iccid: string, messageId: string): string {
  const digest = createHash('sha256').update(`${iccid}\n${messageId}`).digest('hex');
  return `DC${digest.slice(0, 32)}`;
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { CommandEntity, type CommandStatus } from '../entities/command.entity';
import { CommandCallbacks } from './command-callbacks';
import { findCommandOnSim } from './command-on-sim';

/** Where a to_sim Command may come from to reach each later status. */
const MOVES_FROM: Record<'sent' | 'delivered' | 'failed', CommandStatus[]> = {
  sent: ['queued'],
  // A gateway's receipt may overtake the answer that makes the Command `sent`.
  delivered: ['queued', 'sent'],
  failed: ['queued', 'sent'],
};

export interface CommandRef {
  tenantId: string;
  commandSid: string;
  /** The request or job that moves it, to follow it through the logs. */
  requestId: string;
}

/**
 * Moves a to_sim Command forward, never back (`delivered` and `failed` are final): each change
 * happens once, however often it is reported (a retried job, a receipt sent again), and calls
 * the Command's CallbackUrl once.
 */
@Injectable()
export class CommandStatusService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly callbacks: CommandCallbacks,
  ) {}

  /** Whether the Command moved (false: it was past `to` already, or there is no such Command). */
  async move(
    { tenantId, commandSid, requestId }: CommandRef,
    to: keyof typeof MOVES_FROM,
  ): Promise<boolean> {
    const manager = this.dataSource.manager;
    const { affected } = await manager.update(
      CommandEntity,
      { sid: commandSid, tenantId, direction: 'to_sim', status: In(MOVES_FROM[to]) },
      { status: to },
    );
    if (!affected) return false;
    const found = await findCommandOnSim(manager, tenantId, commandSid);
    if (found) await this.callbacks.statusChanged(found, to, requestId);
    return true;
  }

  /**
   * A delivery receipt from the HTTP gateway, which serves every tenant: the Command moves to its
   * status (`delivered` only when a receipt was requested, as Twilio's does). Returns the
   * Command's status after it, or undefined when there is no such to_sim Command.
   */
  async receipt(
    commandSid: string,
    status: 'delivered' | 'failed',
    requestId: string,
  ): Promise<CommandStatus | undefined> {
    const command = await this.dataSource.manager.findOneBy(CommandEntity, {
      sid: commandSid,
      direction: 'to_sim',
    });
    if (!command) return undefined;
    if (status === 'failed' || command.deliveryReceiptRequested) {
      const moved = await this.move({ tenantId: command.tenantId, commandSid, requestId }, status);
      if (moved) return status;
    }
    return command.status;
  }
}

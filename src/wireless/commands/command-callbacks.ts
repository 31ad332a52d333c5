import { Injectable, Logger } from '@nestjs/common';
import type { CommandStatus } from '../entities/command.entity';
import { CallbackSender } from '../../twilio/callbacks/callback-sender';
import type { CommandOnSim } from './command-on-sim';

/**
 * Twilio's parameters of a Command callback, as its Commands callbacks carry them (the Sim's
 * unique name only when it has one).
 */
function commandCallbackParams({ command, sim, accountSid }: CommandOnSim): Record<string, string> {
  return {
    AccountSid: accountSid,
    ApiVersion: 'v1',
    CommandSid: command.sid,
    Command: command.command,
    CommandMode: command.commandMode,
    Direction: command.direction,
    SimSid: sim.sid,
    ...(sim.uniqueName === null ? {} : { SimUniqueName: sim.uniqueName }),
    Status: command.status,
  };
}

/**
 * The callbacks of Commands: a to_sim Command's CallbackUrl at each change of its status, and a
 * Sim's CommandsCallbackUrl for each Command its device sends. A callback that cannot be
 * scheduled is logged: the change it reports stands.
 */
@Injectable()
export class CommandCallbacks {
  private readonly logger = new Logger(CommandCallbacks.name);

  constructor(private readonly sender: CallbackSender) {}

  async statusChanged(
    found: CommandOnSim,
    status: CommandStatus,
    requestId: string,
  ): Promise<void> {
    const { command } = found;
    if (command.callbackUrl === null) return;
    await this.schedule(
      found,
      { url: command.callbackUrl, method: command.callbackMethod, status },
      requestId,
    );
  }

  async received(found: CommandOnSim, requestId: string): Promise<void> {
    const { sim } = found;
    if (sim.commandsCallbackUrl === null) return;
    await this.schedule(
      found,
      { url: sim.commandsCallbackUrl, method: sim.commandsCallbackMethod, status: 'received' },
      requestId,
    );
  }

  private async schedule(
    found: CommandOnSim,
    { url, method, status }: { url: string; method: 'GET' | 'POST'; status: CommandStatus },
    requestId: string,
  ): Promise<void> {
    const { command } = found;
    const params = commandCallbackParams({ ...found, command: { ...command, status } });
    await this.sender
      .schedule({ tenantId: command.tenantId, url, method, params, about: command.sid, requestId })
      .catch((error: unknown) =>
        this.logger.error(
          `The ${status} callback of Command ${command.sid} could not be scheduled: ${String(error)}`,
        ),
      );
  }
}

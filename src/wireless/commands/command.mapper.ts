import { twilioDate } from '../../twilio/twilio-date';
import type { CommandEntity } from '../entities/command.entity';

/** A Command as the API answers it: every field of Twilio's `wireless.v1.command`, no more. */
export interface CommandResource {
  sid: string;
  account_sid: string;
  sim_sid: string;
  command: string;
  command_mode: CommandEntity['commandMode'];
  transport: CommandEntity['transport'];
  delivery_receipt_requested: boolean;
  status: CommandEntity['status'];
  direction: CommandEntity['direction'];
  date_created: string;
  date_updated: string;
  url: string;
}

/** `baseUrl`: the absolute URL of the API's version mount (`…/wireless/v1`). */
export function commandResource(
  command: CommandEntity,
  accountSid: string,
  baseUrl: string,
): CommandResource {
  return {
    sid: command.sid,
    account_sid: accountSid,
    sim_sid: command.simSid,
    command: command.command,
    command_mode: command.commandMode,
    transport: command.transport,
    delivery_receipt_requested: command.deliveryReceiptRequested,
    status: command.status,
    direction: command.direction,
    date_created: twilioDate(command.createdAt),
    date_updated: twilioDate(command.updatedAt),
    url: `${baseUrl}/Commands/${command.sid}`,
  };
}

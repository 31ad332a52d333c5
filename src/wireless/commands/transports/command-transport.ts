import type { CommandTransportSettings } from '../../../config/app-config';
import type {
  CommandMode,
  CommandTransport as TwilioTransport,
} from '../../entities/command.entity';

/** A to_sim Command as a transport carries it. */
export interface OutgoingCommand {
  sid: string;
  accountSid: string;
  simSid: string;
  iccid: string;
  commandMode: CommandMode;
  /** What the device receives: the text (with the SID where IncludeSid puts it) or the bytes. */
  payload: Buffer;
  deliveryReceiptRequested: boolean;
}

/**
 * `acknowledged`: the transport itself confirmed the Command (the MQTT broker's PUBACK);
 * `awaiting-receipt`: it was handed over, and a receipt may follow (the HTTP gateway's).
 */
export type SendOutcome = 'acknowledged' | 'awaiting-receipt';

/** Carries Commands to the SIMs: MQTT or the HTTP gateway, chosen by configuration. */
export abstract class CommandTransport {
  /**
   * Sends `command`, awaiting `sent` once it has left FleetHub. Rejects when it could not be
   * sent: the delivery job tries again later.
   */
  abstract send(command: OutgoingCommand, sent: () => Promise<void>): Promise<SendOutcome>;
}

/**
 * The Twilio `transport` of the Commands a transport carries. MQTT rides the device's data
 * connection, as Twilio's `ip` Commands do; an HTTP gateway takes the SMS Command contract (160
 * characters, 140 bytes) and is usually an SMS gateway. Without a transport, Twilio's `sms`.
 */
export function twilioTransport(settings: CommandTransportSettings | undefined): TwilioTransport {
  return settings?.kind === 'mqtt' ? 'ip' : 'sms';
}

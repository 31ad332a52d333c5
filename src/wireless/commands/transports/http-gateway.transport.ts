import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config';
import { UnprocessableJobError } from '../../../queue/unprocessable-job.error';
import { signatureHeaders } from '../gateway/gateway-signature';
import { CommandTransport, type OutgoingCommand, type SendOutcome } from './command-transport';

/** A gateway that has not answered by then is taken as not having the Command. */
const GATEWAY_TIMEOUT_MS = 10_000;

/** What the gateway receives, documented in docs/api/wireless-commands.md. */
export interface GatewayCommand {
  command_sid: string;
  account_sid: string;
  sim_sid: string;
  iccid: string;
  command_mode: 'text' | 'binary';
  /** The text as the device receives it, or the bytes in base64. */
  payload: string;
  delivery_receipt_requested: boolean;
}

/**
 * A 4xx says the gateway will never take this Command (retrying changes nothing), but for a
 * timeout (408) or a gateway busy (429), which are moments.
 */
const refusedForGood = (status: number) =>
  status >= 400 && status < 500 && status !== 408 && status !== 429;

/**
 * POSTs each Command, signed, as JSON to COMMANDS_HTTP_GATEWAY_URL: `sent` at a 2xx answer; the
 * gateway posts the delivery receipt later (gateway.controller.ts). Redirects are not followed.
 */
@Injectable()
export class HttpGatewayTransport extends CommandTransport {
  private readonly url: string;
  private readonly secret: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super();
    const transport = config.commands.transport;
    if (transport?.kind !== 'http-gateway') {
      throw new Error('unreachable: the HTTP gateway is not the Commands transport');
    }
    this.url = transport.url;
    this.secret = transport.secret;
  }

  async send(command: OutgoingCommand, sent: () => Promise<void>): Promise<SendOutcome> {
    const document: GatewayCommand = {
      command_sid: command.sid,
      account_sid: command.accountSid,
      sim_sid: command.simSid,
      iccid: command.iccid,
      command_mode: command.commandMode,
      payload: command.payload.toString(command.commandMode === 'binary' ? 'base64' : 'utf8'),
      delivery_receipt_requested: command.deliveryReceiptRequested,
    };
    const body = Buffer.from(JSON.stringify(document));
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...signatureHeaders(this.secret, body, Date.now()),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(GATEWAY_TIMEOUT_MS),
    });
    // The answer's body says nothing FleetHub uses; reading it frees the connection.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) {
      await sent();
      return 'awaiting-receipt';
    }
    const why = `The Commands gateway answered ${response.status} to Command ${command.sid}`;
    throw refusedForGood(response.status) ? new UnprocessableJobError(why) : new Error(why);
  }
}

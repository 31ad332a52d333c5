import { Body, Controller, HttpCode, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { requestIdOf } from '../../../common/http/request-id';
import { readJsonBody } from '../../../twilio/json-body';
import { TwilioError } from '../../../twilio/twilio-error';
import { TwilioExceptionFilter } from '../../../twilio/twilio-exception.filter';
import type { CommandStatus } from '../../entities/command.entity';
import { payloadBytes } from '../command-body';
import { CommandStatusService } from '../command-status.service';
import { DeviceCommandsService } from '../device-commands.service';
import { GatewayMessageDto } from './dto/gateway-message.dto';
import { GatewayReceiptDto } from './dto/gateway-receipt.dto';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from './gateway-signature';
import { GatewaySignatureGuard } from './gateway-signature.guard';

/**
 * What the HTTP gateway posts back: delivery receipts and device-originated messages. Signed
 * like FleetHub's requests to it (docs/api/wireless-commands.md); both answers are idempotent, so
 * the gateway may send again whatever it is unsure FleetHub received. Errors in Twilio's format,
 * as everywhere under /wireless.
 */
@ApiTags('Wireless gateway')
@ApiHeader({ name: TIMESTAMP_HEADER, required: true, description: 'Unix seconds' })
@ApiHeader({
  name: SIGNATURE_HEADER,
  required: true,
  description: 'sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" under the gateway secret>',
})
@UseGuards(GatewaySignatureGuard)
@UseFilters(TwilioExceptionFilter)
@Controller('wireless/gateway')
export class GatewayController {
  constructor(
    private readonly status: CommandStatusService,
    private readonly deviceCommands: DeviceCommandsService,
  ) {}

  @Post('receipts')
  @HttpCode(200)
  @ApiOperation({ summary: 'A delivery receipt for a Command the gateway was sent' })
  @ApiBody({ type: GatewayReceiptDto })
  async receipt(
    @Body() body: unknown,
    @Req() request: Request,
  ): Promise<{ command_sid: string; status: CommandStatus }> {
    const receipt = readJsonBody(GatewayReceiptDto, body);
    const status = await this.status.receipt(
      receipt.command_sid,
      receipt.status,
      requestIdOf(request),
    );
    if (status === undefined) throw TwilioError.notFound(`/Commands/${receipt.command_sid}`);
    return { command_sid: receipt.command_sid, status };
  }

  @Post('messages')
  @ApiOperation({
    summary: 'A message a device sent: a from_sim Command (201; 200 when its message_id was seen)',
  })
  @ApiBody({ type: GatewayMessageDto })
  async message(
    @Body() body: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ command_sid: string; sim_sid: string; status: CommandStatus }> {
    const message = readJsonBody(GatewayMessageDto, body);
    const payload = payloadBytes(message.payload, message.command_mode);
    if (!Buffer.isBuffer(payload)) throw TwilioError.invalidParameter('payload', payload.problem);
    const outcome = await this.deviceCommands.receive({
      iccid: message.iccid,
      payload,
      commandMode: message.command_mode,
      messageId: message.message_id,
      requestId: requestIdOf(request),
    });
    if (outcome.kind === 'unknown-sim') {
      throw new TwilioError(404, 33107, `SIM not found: no Sim has ICCID ${message.iccid}`);
    }
    if (outcome.kind === 'messaging-not-allowed') {
      throw new TwilioError(
        403,
        33203,
        `Messaging not allowed: the Sim of ICCID ${message.iccid} is ${outcome.simStatus} or its rate plan forbids messaging`,
      );
    }
    response.status(outcome.kind === 'created' ? 201 : 200);
    const { command, sim } = outcome.found;
    return { command_sid: command.sid, sim_sid: sim.sid, status: command.status };
  }
}

import { Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { requestIdOf } from '../../common/http/request-id';
import { pageMeta, pageRequest } from '../../twilio/paging';
import {
  ApiBaseUrl,
  CurrentAccount,
  TwilioApi,
  TwilioBody,
  TwilioQuery,
  type TwilioAccount,
} from '../../twilio/twilio-api.decorator';
import { WIRELESS_V1 } from '../wireless-paths';
import { toCommandResponse } from '../wireless.mapper';
import { CommandsService } from './commands.service';
import { CommandPage, CommandResponse } from './dto/command.response';
import { CreateCommandParams } from './dto/create-command.params';
import { ListCommandsParams } from './dto/list-commands.params';

const SID = ApiParam({ name: 'Sid', description: 'The SID (DC…) of the Command' });

/** Twilio's Commands of Programmable Wireless v1: machine-to-machine messages to and from Sims. */
@ApiTags('wireless: Commands')
@TwilioApi()
@Controller(`${WIRELESS_V1.slice(1)}/Commands`)
export class CommandsController {
  constructor(private readonly commands: CommandsService) {}

  @Post()
  @ApiOperation({
    summary: 'Send a Command to a Sim (CreateCommand)',
    description:
      'Created `queued`, then carried by the configured transport (MQTT or the HTTP gateway): ' +
      '`sent`, then `delivered` or `failed`, each change posted to CallbackUrl.',
  })
  @ApiCreatedResponse({ type: CommandResponse })
  async create(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(WIRELESS_V1) baseUrl: string,
    @TwilioBody(CreateCommandParams) params: CreateCommandParams,
    @Req() request: Request,
  ): Promise<CommandResponse> {
    const command = await this.commands.create(
      account.tenantId,
      {
        command: params.Command,
        sim: params.Sim,
        commandMode: params.CommandMode,
        includeSid: params.IncludeSid,
        deliveryReceiptRequested: params.DeliveryReceiptRequested,
        callbackUrl: params.CallbackUrl,
        callbackMethod: params.CallbackMethod,
      },
      requestIdOf(request),
    );
    return toCommandResponse(command, account, baseUrl);
  }

  @Get()
  @ApiOperation({ summary: "The account's Commands, in order of creation (ListCommand)" })
  @ApiOkResponse({ type: CommandPage })
  async list(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(WIRELESS_V1) baseUrl: string,
    @TwilioQuery(ListCommandsParams) query: ListCommandsParams,
  ): Promise<CommandPage> {
    const request = pageRequest(query);
    const { Sim: sim, Status: status, Direction: direction, Transport: transport } = query;
    const page = await this.commands.list(
      account.tenantId,
      { sim, status, direction, transport },
      request,
    );
    return {
      commands: page.rows.map((command) => toCommandResponse(command, account, baseUrl)),
      // The filters in the order of the spec's own example URLs.
      meta: pageMeta(
        'commands',
        `${baseUrl}/Commands`,
        [
          ['Status', status],
          ['Direction', direction],
          ['Transport', transport],
          ['Sim', sim],
        ],
        request,
        page,
      ),
    };
  }

  @Get(':Sid')
  @ApiOperation({ summary: 'One Command (FetchCommand)' })
  @SID
  @ApiOkResponse({ type: CommandResponse })
  async fetch(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(WIRELESS_V1) baseUrl: string,
    @Param('Sid') sid: string,
  ): Promise<CommandResponse> {
    return toCommandResponse(await this.commands.fetch(account.tenantId, sid), account, baseUrl);
  }

  @Delete(':Sid')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a Command (DeleteCommand)',
    description: 'A queued Command deleted is not sent.',
  })
  @SID
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(@CurrentAccount() account: TwilioAccount, @Param('Sid') sid: string): Promise<void> {
    await this.commands.remove(account.tenantId, sid);
  }
}

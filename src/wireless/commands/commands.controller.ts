import { Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { requestIdOf } from '../../common/http/request-id';
import { pageMeta, pageRequest, type PageMeta } from '../../twilio/paging';
import {
  ApiBaseUrl,
  CurrentAccount,
  TwilioApi,
  TwilioBody,
  TwilioQuery,
  type TwilioAccount,
} from '../../twilio/twilio-api.decorator';
import { CommandsService } from './commands.service';
import { commandResource, type CommandResource } from './command.mapper';
import { CreateCommandParams } from './dto/create-command.params';
import { ListCommandsParams } from './dto/list-commands.params';

const MOUNT = '/wireless/v1';

/** Twilio's Programmable Wireless Commands: machine-to-machine messages to and from Sims. */
@ApiTags('Wireless')
@TwilioApi()
@Controller('wireless/v1/Commands')
export class CommandsController {
  constructor(private readonly commands: CommandsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Send a Command to a Sim',
    description:
      'Created `queued`, then delivered by the configured transport (MQTT or the HTTP gateway): ' +
      '`sent`, then `delivered` or `failed`, each change posted to CallbackUrl.',
  })
  async create(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(MOUNT) baseUrl: string,
    @TwilioBody(CreateCommandParams) params: CreateCommandParams,
    @Req() request: Request,
  ): Promise<CommandResource> {
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
    return commandResource(command, account.accountSid, baseUrl);
  }

  @Get()
  @ApiOperation({ summary: 'List Commands (filters Sim, Status, Direction, Transport)' })
  async list(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(MOUNT) baseUrl: string,
    @TwilioQuery(ListCommandsParams) params: ListCommandsParams,
  ): Promise<{ commands: CommandResource[]; meta: PageMeta }> {
    const request = pageRequest(params);
    const page = await this.commands.list(
      account.tenantId,
      {
        sim: params.Sim,
        status: params.Status,
        direction: params.Direction,
        transport: params.Transport,
      },
      request,
    );
    return {
      commands: page.rows.map((command) => commandResource(command, account.accountSid, baseUrl)),
      // In the order of the spec's own example URLs.
      meta: pageMeta(
        'commands',
        `${baseUrl}/Commands`,
        [
          ['Status', params.Status],
          ['Direction', params.Direction],
          ['Transport', params.Transport],
          ['Sim', params.Sim],
        ],
        request,
        page,
      ),
    };
  }

  @Get(':sid')
  @ApiOperation({ summary: 'Fetch a Command' })
  async fetch(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(MOUNT) baseUrl: string,
    @Param('sid') sid: string,
  ): Promise<CommandResource> {
    const command = await this.commands.fetch(account.tenantId, sid);
    return commandResource(command, account.accountSid, baseUrl);
  }

  @Delete(':sid')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a Command' })
  async remove(@CurrentAccount() account: TwilioAccount, @Param('sid') sid: string): Promise<void> {
    await this.commands.remove(account.tenantId, sid);
  }
}

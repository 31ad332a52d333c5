import { Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { requestIdOf } from '../common/http/request-id';
import { pageMeta } from '../twilio/paging';
import {
  ApiBaseUrl,
  CurrentAccount,
  TwilioApi,
  TwilioBody,
  TwilioQuery,
  type TwilioAccount,
} from '../twilio/twilio-api.decorator';
import { ListSimsQuery } from './dto/list-sims.dto';
import { UpdateSimParams } from './dto/update-sim.dto';
import { SimsService } from './sims.service';
import { WIRELESS_V1, toSimResponse, type SimResponse } from './wireless.mapper';

/** The Sim resource of Twilio's Programmable Wireless v1 (no create: SIMs are imported). */
@ApiTags('Wireless')
@TwilioApi()
@Controller('wireless/v1/Sims')
export class SimsController {
  constructor(private readonly sims: SimsService) {}

  @Get()
  @ApiOkResponse({ description: 'A page of Sims: `sims` and the paging `meta`' })
  async list(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(WIRELESS_V1) base: string,
    @TwilioQuery(ListSimsQuery) query: ListSimsQuery,
  ) {
    const { request, page } = await this.sims.list(account.tenantId, query);
    const filters: [string, string | undefined][] = [
      ['Status', query.Status],
      ['Iccid', query.Iccid],
      ['RatePlan', query.RatePlan],
      ['EId', query.EId],
      ['SimRegistrationCode', query.SimRegistrationCode],
    ];
    return {
      sims: page.rows.map((sim) => toSimResponse(sim, account.accountSid, base)),
      meta: pageMeta('sims', `${base}/Sims`, filters, request, page),
    };
  }

  @Get(':sid')
  @ApiOkResponse({ description: 'The Sim, by its SID or unique name' })
  async fetch(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(WIRELESS_V1) base: string,
    @Param('sid') sid: string,
  ): Promise<SimResponse> {
    return toSimResponse(await this.sims.find(account.tenantId, sid), account.accountSid, base);
  }

  @Post(':sid')
  @ApiOkResponse({ description: 'The Sim, updated at once' })
  @ApiAcceptedResponse({
    description:
      'The Sim with a change of status (`updating`) or a connectivity reset (`resetting`) under ' +
      'way; it completes WIRELESS_STATUS_DELAY_MS later, then CallbackUrl is called',
  })
  async update(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(WIRELESS_V1) base: string,
    @Param('sid') sid: string,
    @TwilioBody(UpdateSimParams) params: UpdateSimParams,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SimResponse> {
    const { tenantId, accountSid } = account;
    const update = await this.sims.update(tenantId, accountSid, sid, params, requestIdOf(request));
    response.status(update.accepted ? 202 : 200);
    return toSimResponse(update.sim, accountSid, base);
  }

  @Delete(':sid')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(@CurrentAccount() account: TwilioAccount, @Param('sid') sid: string) {
    await this.sims.remove(account.tenantId, sid);
  }
}

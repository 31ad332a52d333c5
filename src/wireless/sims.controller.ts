import { Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { requestIdOf } from '../common/http/request-id';
import { pageMeta, pageRequest } from '../twilio/paging';
import {
  ApiBaseUrl,
  CurrentAccount,
  TwilioApi,
  TwilioBody,
  TwilioQuery,
  type TwilioAccount,
} from '../twilio/twilio-api.decorator';
import { ListSimsQuery } from './dto/list-sims.dto';
import { SimPage, SimResponse } from './dto/sim.response';
import { UpdateSimParams } from './dto/update-sim.dto';
import { SimsService } from './sims.service';
import { WIRELESS_V1 } from './wireless-paths';
import { toSimResponse } from './wireless.mapper';

const SID = ApiParam({ name: 'Sid', description: 'The SID (DE…) or the unique name of the Sim' });

/** Twilio's Sims of Programmable Wireless v1 (no create: SIMs are imported, `sim:import`). */
@ApiTags('wireless: Sims')
@TwilioApi()
@Controller(`${WIRELESS_V1.slice(1)}/Sims`)
export class SimsController {
  constructor(private readonly sims: SimsService) {}

  @Get()
  @ApiOperation({ summary: "The account's Sims, in order of import, filtered (ListSim)" })
  @ApiOkResponse({ type: SimPage })
  async list(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(WIRELESS_V1) baseUrl: string,
    @TwilioQuery(ListSimsQuery) query: ListSimsQuery,
  ): Promise<SimPage> {
    const request = pageRequest(query);
    const page = await this.sims.list(account.tenantId, query, request);
    const filters: [string, string | undefined][] = [
      ['Status', query.Status],
      ['Iccid', query.Iccid],
      ['RatePlan', query.RatePlan],
      ['EId', query.EId],
      ['SimRegistrationCode', query.SimRegistrationCode],
    ];
    return {
      sims: page.rows.map((sim) => toSimResponse(sim, account, baseUrl)),
      meta: pageMeta('sims', `${baseUrl}/Sims`, filters, request, page),
    };
  }

  @Get(':Sid')
  @ApiOperation({ summary: 'One Sim (FetchSim)' })
  @SID
  @ApiOkResponse({ type: SimResponse })
  async fetch(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(WIRELESS_V1) baseUrl: string,
    @Param('Sid') sid: string,
  ): Promise<SimResponse> {
    return toSimResponse(await this.sims.find(account.tenantId, sid), account, baseUrl);
  }

  @Post(':Sid')
  @ApiOperation({
    summary: 'Update a Sim (UpdateSim)',
    description:
      'Names, URLs and the rate plan change at once (200). A change of Status or a ' +
      'ResetStatus is under way when answered (202) and completes WIRELESS_STATUS_DELAY_MS ' +
      'later, when CallbackUrl is called.',
  })
  @SID
  @ApiOkResponse({ type: SimResponse, description: 'Updated' })
  @ApiAcceptedResponse({ type: SimResponse, description: 'Updating (or resetting)' })
  async update(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(WIRELESS_V1) baseUrl: string,
    @Param('Sid') sid: string,
    @TwilioBody(UpdateSimParams) params: UpdateSimParams,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SimResponse> {
    const update = await this.sims.update(account, sid, params, requestIdOf(request));
    response.status(update.accepted ? 202 : 200);
    return toSimResponse(update.sim, account, baseUrl);
  }

  @Delete(':Sid')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a Sim, its Commands, data sessions and usage (DeleteSim)' })
  @SID
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(@CurrentAccount() account: TwilioAccount, @Param('Sid') sid: string): Promise<void> {
    await this.sims.remove(account.tenantId, sid);
  }
}

import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { PageQuery, pageMeta, pageRequest } from '../twilio/paging';
import {
  ApiBaseUrl,
  CurrentAccount,
  TwilioApi,
  TwilioBody,
  TwilioQuery,
  type TwilioAccount,
} from '../twilio/twilio-api.decorator';
import { CreateRatePlanParams, UpdateRatePlanParams } from './dto/rate-plan.params';
import { RatePlanPage, RatePlanResponse } from './dto/rate-plan.response';
import { RatePlansService } from './rate-plans.service';
import { WIRELESS_V1 } from './wireless-paths';
import { toRatePlanResponse } from './wireless.mapper';

const SID = ApiParam({
  name: 'Sid',
  description: 'The SID (WP…) or the unique name of the rate plan',
});

/** Twilio's RatePlans of Programmable Wireless v1, for the authenticated account. */
@ApiTags('wireless: RatePlans')
@TwilioApi()
@Controller(`${WIRELESS_V1.slice(1)}/RatePlans`)
export class RatePlansController {
  constructor(private readonly ratePlans: RatePlansService) {}

  @Post()
  @ApiOperation({ summary: 'Create a rate plan (CreateRatePlan)' })
  @ApiCreatedResponse({ type: RatePlanResponse })
  async create(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(WIRELESS_V1) baseUrl: string,
    @TwilioBody(CreateRatePlanParams) params: CreateRatePlanParams,
  ): Promise<RatePlanResponse> {
    return toRatePlanResponse(
      await this.ratePlans.create(account.tenantId, params),
      account,
      baseUrl,
    );
  }

  @Get()
  @ApiOperation({ summary: "The account's rate plans, in order of creation (ListRatePlan)" })
  @ApiOkResponse({ type: RatePlanPage })
  async list(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(WIRELESS_V1) baseUrl: string,
    @TwilioQuery(PageQuery) query: PageQuery,
  ): Promise<RatePlanPage> {
    const request = pageRequest(query);
    const page = await this.ratePlans.list(account.tenantId, request);
    return {
      rate_plans: page.rows.map((plan) => toRatePlanResponse(plan, account, baseUrl)),
      meta: pageMeta('rate_plans', `${baseUrl}/RatePlans`, [], request, page),
    };
  }

  @Get(':Sid')
  @ApiOperation({ summary: 'One rate plan (FetchRatePlan)' })
  @SID
  @ApiOkResponse({ type: RatePlanResponse })
  async fetch(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(WIRELESS_V1) baseUrl: string,
    @Param('Sid') sid: string,
  ): Promise<RatePlanResponse> {
    return toRatePlanResponse(await this.ratePlans.fetch(account.tenantId, sid), account, baseUrl);
  }

  @Post(':Sid')
  @HttpCode(200)
  @ApiOperation({ summary: "Change a rate plan's unique or friendly name (UpdateRatePlan)" })
  @SID
  @ApiOkResponse({ type: RatePlanResponse })
  async update(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(WIRELESS_V1) baseUrl: string,
    @Param('Sid') sid: string,
    @TwilioBody(UpdateRatePlanParams) params: UpdateRatePlanParams,
  ): Promise<RatePlanResponse> {
    const plan = await this.ratePlans.update(account.tenantId, sid, params);
    return toRatePlanResponse(plan, account, baseUrl);
  }

  @Delete(':Sid')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a rate plan (DeleteRatePlan)',
    description: 'Refused (400, 33201) while Sims use it, saying how many.',
  })
  @SID
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(@CurrentAccount() account: TwilioAccount, @Param('Sid') sid: string): Promise<void> {
    await this.ratePlans.remove(account.tenantId, sid);
  }
}

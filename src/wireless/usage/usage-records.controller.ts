import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { pageMeta, pageRequest, type PageMeta } from '../../twilio/paging';
import {
  ApiBaseUrl,
  CurrentAccount,
  TwilioApi,
  TwilioQuery,
  type TwilioAccount,
} from '../../twilio/twilio-api.decorator';
import { twilioDate } from '../../twilio/twilio-date';
import { WIRELESS_V1 } from '../wireless-paths';
import { AccountSims } from './account-sims';
import type { UsageRecord } from './usage-record';
import { UsageRecordsParams } from './usage-records.params';
import { UsageRecordsService } from './usage-records.service';
import { toAccountUsageRecordResponse, toSimUsageRecordResponse } from './usage.mapper';
import { AccountUsageRecordPage, SimUsageRecordPage } from './usage.response';

const DESCRIPTION =
  "What the Sims' devices sent to the ingestion routes and received from them (bytes of the " +
  'request and answer bodies) and the Commands created, per hour, UTC day or the whole period, ' +
  'oldest first, every hour or day present. Start and End are widened to whole hours; the page ' +
  "URLs carry the period so widened. See the reference's wireless usage page.";

/** Twilio's UsageRecords of Programmable Wireless v1: the account's, and each Sim's. */
@ApiTags('wireless: UsageRecords')
@TwilioApi()
@Controller(WIRELESS_V1.slice(1))
export class UsageRecordsController {
  constructor(
    private readonly usage: UsageRecordsService,
    private readonly sims: AccountSims,
  ) {}

  @Get('UsageRecords')
  @ApiOperation({
    summary: "The account's usage, all its Sims together (ListAccountUsageRecord)",
    description: DESCRIPTION,
  })
  @ApiOkResponse({ type: AccountUsageRecordPage })
  async account(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(WIRELESS_V1) baseUrl: string,
    @TwilioQuery(UsageRecordsParams) params: UsageRecordsParams,
  ): Promise<AccountUsageRecordPage> {
    const { records, meta } = await this.page(account, params, `${baseUrl}/UsageRecords`);
    return {
      usage_records: records.map((record) => toAccountUsageRecordResponse(record, account)),
      meta,
    };
  }

  @Get('Sims/:SimSid/UsageRecords')
  @ApiOperation({ summary: "A Sim's usage (ListUsageRecord)", description: DESCRIPTION })
  @ApiParam({ name: 'SimSid', description: 'The SID (DE…) or the unique name of the Sim' })
  @ApiOkResponse({ type: SimUsageRecordPage })
  async sim(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(WIRELESS_V1) baseUrl: string,
    @Param('SimSid') simSidOrName: string,
    @TwilioQuery(UsageRecordsParams) params: UsageRecordsParams,
  ): Promise<SimUsageRecordPage> {
    const simSid = await this.sims.sidOf(
      account.tenantId,
      simSidOrName,
      `/Sims/${simSidOrName}/UsageRecords`,
    );
    const listUrl = `${baseUrl}/Sims/${simSid}/UsageRecords`;
    const { records, meta } = await this.page(account, params, listUrl, simSid);
    return {
      usage_records: records.map((record) => toSimUsageRecordResponse(record, account, simSid)),
      meta,
    };
  }

  private async page(
    account: TwilioAccount,
    params: UsageRecordsParams,
    listUrl: string,
    simSid?: string,
  ): Promise<{ records: UsageRecord[]; meta: PageMeta }> {
    const request = pageRequest(params);
    const page = await this.usage.list(
      {
        tenantId: account.tenantId,
        simSid,
        start: params.Start,
        end: params.End,
        granularity: params.Granularity ?? 'all',
      },
      request,
    );
    // The period as widened, defaults included: every page of the list is of the same period.
    const filters: [string, string | undefined][] = [
      ['End', twilioDate(page.period.end)],
      ['Start', twilioDate(page.period.start)],
      ['Granularity', params.Granularity],
    ];
    return { records: page.rows, meta: pageMeta('usage_records', listUrl, filters, request, page) };
  }
}

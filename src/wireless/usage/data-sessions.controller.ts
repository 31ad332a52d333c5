import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { PageQuery, pageMeta, pageRequest } from '../../twilio/paging';
import {
  ApiBaseUrl,
  CurrentAccount,
  TwilioApi,
  TwilioQuery,
  type TwilioAccount,
} from '../../twilio/twilio-api.decorator';
import { WIRELESS_V1 } from '../wireless-paths';
import { AccountSims } from './account-sims';
import { DataSessionsService } from './data-sessions.service';
import { toDataSessionResponse } from './usage.mapper';
import { DataSessionPage } from './usage.response';

/** Twilio's DataSessions of a Sim (Programmable Wireless v1). */
@ApiTags('wireless: DataSessions')
@TwilioApi()
@Controller(WIRELESS_V1.slice(1))
export class DataSessionsController {
  constructor(
    private readonly sessions: DataSessionsService,
    private readonly sims: AccountSims,
  ) {}

  @Get('Sims/:SimSid/DataSessions')
  @ApiOperation({
    summary: "A Sim's data sessions, in order of creation (ListDataSession)",
    description:
      "Periods of its device's traffic on the ingestion routes: a session opens with the first " +
      'request after DATA_SESSION_IDLE_MINUTES of silence and ends at its last traffic once that ' +
      'much silence follows. Packets are the requests (uploaded) and answers (downloaded).',
  })
  @ApiParam({ name: 'SimSid', description: 'The SID (DE…) or the unique name of the Sim' })
  @ApiOkResponse({ type: DataSessionPage })
  async list(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(WIRELESS_V1) baseUrl: string,
    @Param('SimSid') simSidOrName: string,
    @TwilioQuery(PageQuery) query: PageQuery,
  ): Promise<DataSessionPage> {
    const simSid = await this.sims.sidOf(
      account.tenantId,
      simSidOrName,
      `/Sims/${simSidOrName}/DataSessions`,
    );
    const request = pageRequest(query);
    const page = await this.sessions.list(account.tenantId, simSid, request);
    return {
      data_sessions: page.rows.map((session) => toDataSessionResponse(session, account)),
      meta: pageMeta('data_sessions', `${baseUrl}/Sims/${simSid}/DataSessions`, [], request, page),
    };
  }
}

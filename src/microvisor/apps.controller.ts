import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import {
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
  TwilioQuery,
  type TwilioAccount,
} from '../twilio/twilio-api.decorator';
import { AppsService } from './apps.service';
import { AppManifestResponse, AppPage, AppResponse } from './dto/app.response';
import { MICROVISOR_V1 } from './microvisor-paths';
import { toAppManifestResponse, toAppResponse } from './microvisor.mapper';

const SID = ApiParam({ name: 'Sid', description: 'The SID (KA…) or the unique name of the App' });

/**
 * Twilio's Apps of Microvisor v1, for the authenticated account. They are created by upload
 * (`AppUploadController`), never changed.
 */
@ApiTags('microvisor: Apps')
@TwilioApi()
@Controller(`${MICROVISOR_V1.slice(1)}/Apps`)
export class AppsController {
  constructor(private readonly apps: AppsService) {}

  @Get()
  @ApiOperation({ summary: "The account's Apps, in order of upload (ListApp)" })
  @ApiOkResponse({ type: AppPage })
  async list(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(MICROVISOR_V1) baseUrl: string,
    @TwilioQuery(PageQuery) query: PageQuery,
  ): Promise<AppPage> {
    const request = pageRequest(query);
    const page = await this.apps.list(account.tenantId, request);
    return {
      apps: page.rows.map((app) => toAppResponse(app, account, baseUrl)),
      meta: pageMeta('apps', `${baseUrl}/Apps`, [], request, page),
    };
  }

  @Get(':Sid')
  @ApiOperation({ summary: 'One App (FetchApp)' })
  @SID
  @ApiOkResponse({ type: AppResponse })
  async fetch(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(MICROVISOR_V1) baseUrl: string,
    @Param('Sid') sid: string,
  ): Promise<AppResponse> {
    return toAppResponse(await this.apps.fetch(account.tenantId, sid), account, baseUrl);
  }

  @Get(':AppSid/Manifest')
  @ApiOperation({
    summary: "An App's manifest, derived from its bundle (FetchAppManifest)",
    description:
      '`encoded_bytes` is base64 of UTF-8 JSON `{"entries":[{"name","size","sha256"}, …]}`: each file of the bundle, in the zip\'s order',
  })
  @ApiParam({ name: 'AppSid', description: 'The SID (KA…) or the unique name of the App' })
  @ApiOkResponse({ type: AppManifestResponse })
  async manifest(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(MICROVISOR_V1) baseUrl: string,
    @Param('AppSid') sid: string,
  ): Promise<AppManifestResponse> {
    return toAppManifestResponse(await this.apps.fetch(account.tenantId, sid), baseUrl);
  }

  @Delete(':Sid')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete an App (DeleteApp)',
    description: 'Refused (409, 20409) while Devices are targeted at it, saying how many.',
  })
  @SID
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(@CurrentAccount() account: TwilioAccount, @Param('Sid') sid: string): Promise<void> {
    await this.apps.remove(account.tenantId, sid);
  }
}

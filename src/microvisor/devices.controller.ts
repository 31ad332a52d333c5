import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { PageQuery, pageMeta, pageRequest } from '../twilio/paging';
import {
  ApiBaseUrl,
  CurrentAccount,
  TwilioApi,
  TwilioBody,
  TwilioQuery,
  type TwilioAccount,
} from '../twilio/twilio-api.decorator';
import { DevicesService } from './devices.service';
import { DevicePage, DeviceResponse } from './dto/device.response';
import { UpdateDeviceParams } from './dto/microvisor.params';
import { MICROVISOR_V1 } from './microvisor-paths';
import { toDeviceResponse } from './microvisor.mapper';

const SID = ApiParam({
  name: 'Sid',
  description: 'The SID (UV…) or the unique name of the Device',
});

/**
 * Twilio's Devices of Microvisor v1, for the authenticated account. Devices are registered by an
 * operator (`device:register`), as Twilio's came from the factory: there is no create or delete.
 */
@ApiTags('microvisor: Devices')
@TwilioApi()
@Controller(`${MICROVISOR_V1.slice(1)}/Devices`)
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Get()
  @ApiOperation({ summary: "The account's Devices, in order of registration (ListDevice)" })
  @ApiOkResponse({ type: DevicePage })
  async list(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(MICROVISOR_V1) baseUrl: string,
    @TwilioQuery(PageQuery) query: PageQuery,
  ): Promise<DevicePage> {
    const request = pageRequest(query);
    const page = await this.devices.list(account.tenantId, request);
    const now = new Date();
    return {
      devices: page.rows.map((view) => toDeviceResponse(view, account, baseUrl, now)),
      meta: pageMeta('devices', `${baseUrl}/Devices`, [], request, page),
    };
  }

  @Get(':Sid')
  @ApiOperation({ summary: 'One Device (FetchDevice)' })
  @SID
  @ApiOkResponse({ type: DeviceResponse })
  async fetch(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(MICROVISOR_V1) baseUrl: string,
    @Param('Sid') sid: string,
  ): Promise<DeviceResponse> {
    return toDeviceResponse(
      await this.devices.fetch(account.tenantId, sid),
      account,
      baseUrl,
      new Date(),
    );
  }

  @Post(':Sid')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Name a Device, target it at an App, turn its logging on or off, restart its App (UpdateDevice)',
  })
  @SID
  @ApiOkResponse({ type: DeviceResponse })
  async update(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(MICROVISOR_V1) baseUrl: string,
    @Param('Sid') sid: string,
    @TwilioBody(UpdateDeviceParams) params: UpdateDeviceParams,
  ): Promise<DeviceResponse> {
    const view = await this.devices.update(account.tenantId, sid, params);
    return toDeviceResponse(view, account, baseUrl, new Date());
  }
}

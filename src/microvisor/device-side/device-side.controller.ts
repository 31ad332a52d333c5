import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  StreamableFile,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiDefaultResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { JsonBodyGuard } from '../../common/http/json-body.guard';
import { readJsonBody } from '../../twilio/json-body';
import { canonicalSid } from '../../twilio/sid';
import { ApiBaseUrl } from '../../twilio/twilio-api.decorator';
import { TwilioError } from '../../twilio/twilio-error';
import { TwilioExceptionFilter } from '../../twilio/twilio-exception.filter';
import { APP_SID_PREFIX } from '../apps.service';
import { MICROVISOR_DEVICE_V1 } from '../microvisor-paths';
import type { CheckedInDevice } from '../settings/device-settings.service';
import { toCheckInResponse } from './check-in.mapper';
import { CheckInService } from './check-in.service';
import { CurrentDevice, DeviceCredentialGuard } from './device-credential.guard';
import { CheckInDto } from './dto/check-in.dto';
import { CheckInResponse } from './dto/check-in.response';

/**
 * What Microvisor Devices call themselves (a FleetHub extension: Twilio's devices spoke to
 * Twilio's own cloud): the check-in that reports the App they run and answers what they are to
 * be, and the download of the App they are targeted at. Each Device authenticates with its own
 * credential; errors are in Twilio's format, as everywhere under /microvisor.
 */
@ApiTags('microvisor: device side')
@ApiBearerAuth('microvisor-device')
@ApiDefaultResponse({ description: "An error, in Twilio's format (401 with a Bearer challenge)" })
@UseFilters(TwilioExceptionFilter)
@Controller(MICROVISOR_DEVICE_V1.slice(1))
export class DeviceSideController {
  constructor(private readonly checkIns: CheckInService) {}

  @Post('check-in')
  @HttpCode(200)
  @UseGuards(DeviceCredentialGuard, JsonBodyGuard)
  @ApiOperation({
    summary: 'Report the App the Device runs (or its failed update); learn what it is to be',
    description:
      "Drives the Device's `app.update_status`: `up-to-date` once it reports its target, `error` when it reports a failure (`reported_app_sid` null, `update_error_code` not 0). Answers its target App, its configs and secrets (its own and its account's, values in clear), its logging, and a restart asked for since its last check-in (told once).",
  })
  @ApiBody({ type: CheckInDto })
  @ApiOkResponse({ type: CheckInResponse })
  async checkIn(
    @CurrentDevice() device: CheckedInDevice,
    @ApiBaseUrl(MICROVISOR_DEVICE_V1) baseUrl: string,
    @Body() body: unknown,
  ): Promise<CheckInResponse> {
    const report = readJsonBody(CheckInDto, body);
    const reported = report.reported_app_sid;
    const state = await this.checkIns.checkIn(device, {
      // A Device may write the hex digits in either case.
      reportedAppSid: reported && canonicalSid(APP_SID_PREFIX, reported)!,
      updateErrorCode: report.update_error_code,
    });
    return toCheckInResponse(state, baseUrl, new Date());
  }

  @Get('apps/:Sid/bundle')
  @UseGuards(DeviceCredentialGuard)
  @ApiOperation({
    summary: 'Download the bundle of the App the Device is targeted at (any other: 404)',
  })
  @ApiParam({ name: 'Sid', description: 'The SID (KA…) of the App, as the check-in gave it' })
  @ApiProduces('application/zip')
  @ApiOkResponse({ description: 'The bundle, exactly as uploaded' })
  async bundle(
    @CurrentDevice() device: CheckedInDevice,
    @Param('Sid') sid: string,
  ): Promise<StreamableFile> {
    const appSid = canonicalSid(APP_SID_PREFIX, sid);
    const bundle = appSid && (await this.checkIns.bundle(device, appSid));
    if (!bundle) throw TwilioError.notFound(`/apps/${sid}/bundle`);
    return new StreamableFile(bundle, {
      type: 'application/zip',
      length: bundle.length,
      disposition: `attachment; filename="${appSid}.zip"`,
    });
  }
}

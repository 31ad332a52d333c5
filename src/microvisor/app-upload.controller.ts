import { Controller, Post, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiBaseUrl,
  CurrentAccount,
  TwilioApi,
  type TwilioAccount,
} from '../twilio/twilio-api.decorator';
import { AppsService } from './apps.service';
import {
  BUNDLE_FIELD,
  BundleUploadInterceptor,
  MULTIPART_MEDIA_TYPE,
  UploadedBundle,
  type BundleUpload,
} from './bundle-upload.interceptor';
import { AppResponse } from './dto/app.response';
import { MAX_UNIQUE_NAME_LENGTH } from './dto/microvisor.params';
import { MICROVISOR_UPLOAD_V1, MICROVISOR_V1 } from './microvisor-paths';
import { toAppResponse } from './microvisor.mapper';

/**
 * Where Apps are created: Twilio took uploads on a host of their own
 * (`https://microvisor-upload.twilio.com/v1/Apps`), so a script that used it changes only the
 * host. The same Basic credentials; the body, `multipart/form-data`, is read once they are
 * verified.
 */
@ApiTags('microvisor: Apps')
@TwilioApi({ formBody: false })
@Controller(`${MICROVISOR_UPLOAD_V1.slice(1)}/Apps`)
export class AppUploadController {
  constructor(private readonly apps: AppsService) {}

  @Post()
  @UseInterceptors(BundleUploadInterceptor)
  @ApiOperation({
    summary: 'Upload an App bundle (a zip): 201 with the App',
    description:
      'Larger than APP_BUNDLE_MAX_BYTES (default 16 MiB): 413, 20413. Not a valid zip: 400, 20001. ' +
      'A unique name another App has: 409, 20409.',
  })
  @ApiConsumes(MULTIPART_MEDIA_TYPE)
  @ApiBody({
    schema: {
      type: 'object',
      required: [BUNDLE_FIELD],
      properties: {
        [BUNDLE_FIELD]: { type: 'string', format: 'binary', description: 'The bundle, a zip' },
        UniqueName: { type: 'string', minLength: 1, maxLength: MAX_UNIQUE_NAME_LENGTH },
      },
    },
  })
  @ApiCreatedResponse({ type: AppResponse })
  async upload(
    @CurrentAccount() account: TwilioAccount,
    @ApiBaseUrl(MICROVISOR_V1) baseUrl: string,
    @UploadedBundle() upload: BundleUpload,
  ): Promise<AppResponse> {
    const app = await this.apps.upload(account.tenantId, upload.bundle, upload.params.UniqueName);
    return toAppResponse(app, account, baseUrl);
  }
}

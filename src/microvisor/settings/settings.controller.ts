import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  type Type,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { PageQuery, pageRequest } from '../../twilio/paging';
import {
  ApiBaseUrl,
  CurrentAccount,
  TwilioApi,
  TwilioBody,
  TwilioQuery,
  type TwilioAccount,
} from '../../twilio/twilio-api.decorator';
import { MICROVISOR_V1 } from '../microvisor-paths';
import { toSettingPage, toSettingResponse, type SettingPage } from './configs.mapper';
import { CreateSettingParams, UpdateSettingParams } from './dto/setting.params';
import {
  AccountConfigPage,
  AccountConfigResponse,
  AccountSecretPage,
  AccountSecretResponse,
  DeviceConfigPage,
  DeviceConfigResponse,
  DeviceSecretPage,
  DeviceSecretResponse,
  type SettingResponse,
} from './dto/setting.response';
import {
  ACCOUNT_CONFIGS,
  ACCOUNT_SECRETS,
  DEVICE_CONFIGS,
  DEVICE_SECRETS,
  settingNoun,
  type SettingKind,
} from './setting-kinds';
import { SettingsService, type SettingsAddress } from './settings.service';

/** The `DeviceSid` segment of a device's routes, as sent; undefined on the account's routes. */
const DeviceSid = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined =>
    context.switchToHttp().getRequest<Request<{ DeviceSid?: string }>>().params.DeviceSid,
);

const KEY = ApiParam({ name: 'Key', description: 'The key of the config or secret' });

/**
 * The five routes of one kind of setting (create, list, fetch, update, delete), written once:
 * `/Configs` and `/Secrets` of the account, `/Devices/{DeviceSid}/Configs` and `…/Secrets` of
 * a device addressed by its SID or unique name.
 */
function settingsController(kind: SettingKind, types: { item: Type; page: Type }): Type<object> {
  const device = kind.scope === 'device';
  const owner = device ? 'a device' : 'the account';
  const what = settingNoun(kind);
  const path = `${MICROVISOR_V1.slice(1)}${device ? '/Devices/:DeviceSid' : ''}/${kind.collection}`;
  const secretNote = kind.secret ? ' Its value is never answered, only when it was last set.' : '';
  const addressOf = (account: TwilioAccount, deviceSid: string | undefined): SettingsAddress => ({
    kind,
    tenantId: account.tenantId,
    device: deviceSid,
  });

  @ApiTags(`microvisor: ${device ? 'Device' : 'Account'} ${kind.collection}`)
  @TwilioApi()
  @Controller(path)
  @(device
    ? ApiParam({
        name: 'DeviceSid',
        description: 'The SID (UV…) or the unique name of the device',
        type: String,
      })
    : applyDecorators())
  class SettingsController {
    constructor(private readonly settings: SettingsService) {}

    @Post()
    @ApiOperation({
      summary: `Create a ${what} of ${owner} (Create${kind.resource})`,
      description: `A key the owner already has is refused (409, 20409).${secretNote}`,
    })
    @ApiCreatedResponse({ type: types.item })
    async create(
      @CurrentAccount() account: TwilioAccount,
      @ApiBaseUrl(MICROVISOR_V1) baseUrl: string,
      @DeviceSid() deviceSid: string | undefined,
      @TwilioBody(CreateSettingParams) params: CreateSettingParams,
    ): Promise<SettingResponse> {
      const address = addressOf(account, deviceSid);
      const row = await this.settings.create(address, params.Key, params.Value);
      return toSettingResponse(kind, row, baseUrl);
    }

    @Get()
    @ApiOperation({ summary: `The ${what}s of ${owner}, in key order (List${kind.resource})` })
    @ApiOkResponse({ type: types.page })
    async list(
      @CurrentAccount() account: TwilioAccount,
      @ApiBaseUrl(MICROVISOR_V1) baseUrl: string,
      @DeviceSid() deviceSid: string | undefined,
      @TwilioQuery(PageQuery) query: PageQuery,
    ): Promise<SettingPage> {
      const request = pageRequest(query);
      const { owner: found, page } = await this.settings.list(
        addressOf(account, deviceSid),
        request,
      );
      return toSettingPage(kind, found, page, request, baseUrl);
    }

    @Get(':Key')
    @ApiOperation({
      summary: `One ${what} of ${owner} (Fetch${kind.resource})`,
      description: secretNote,
    })
    @KEY
    @ApiOkResponse({ type: types.item })
    async fetch(
      @CurrentAccount() account: TwilioAccount,
      @ApiBaseUrl(MICROVISOR_V1) baseUrl: string,
      @DeviceSid() deviceSid: string | undefined,
      @Param('Key') key: string,
    ): Promise<SettingResponse> {
      const row = await this.settings.fetch(addressOf(account, deviceSid), key);
      return toSettingResponse(kind, row, baseUrl);
    }

    @Post(':Key')
    @HttpCode(200)
    @ApiOperation({
      summary: `Set a new value of a ${what} of ${owner} (Update${kind.resource})`,
      description: secretNote,
    })
    @KEY
    @ApiOkResponse({ type: types.item })
    async update(
      @CurrentAccount() account: TwilioAccount,
      @ApiBaseUrl(MICROVISOR_V1) baseUrl: string,
      @DeviceSid() deviceSid: string | undefined,
      @Param('Key') key: string,
      @TwilioBody(UpdateSettingParams) params: UpdateSettingParams,
    ): Promise<SettingResponse> {
      const row = await this.settings.update(addressOf(account, deviceSid), key, params.Value);
      return toSettingResponse(kind, row, baseUrl);
    }

    @Delete(':Key')
    @HttpCode(204)
    @ApiOperation({ summary: `Delete a ${what} of ${owner} (Delete${kind.resource})` })
    @KEY
    @ApiNoContentResponse({ description: 'Deleted' })
    async remove(
      @CurrentAccount() account: TwilioAccount,
      @DeviceSid() deviceSid: string | undefined,
      @Param('Key') key: string,
    ): Promise<void> {
      await this.settings.remove(addressOf(account, deviceSid), key);
    }
  }

  return SettingsController;
}

/** `/microvisor/v1/Configs`: the configs every device of the account receives. */
export class AccountConfigsController extends settingsController(ACCOUNT_CONFIGS, {
  item: AccountConfigResponse,
  page: AccountConfigPage,
}) {}

/** `/microvisor/v1/Secrets`: the secrets every device of the account receives. */
export class AccountSecretsController extends settingsController(ACCOUNT_SECRETS, {
  item: AccountSecretResponse,
  page: AccountSecretPage,
}) {}

/** `/microvisor/v1/Devices/{DeviceSid}/Configs`: one device's configs. */
export class DeviceConfigsController extends settingsController(DEVICE_CONFIGS, {
  item: DeviceConfigResponse,
  page: DeviceConfigPage,
}) {}

/** `/microvisor/v1/Devices/{DeviceSid}/Secrets`: one device's secrets. */
export class DeviceSecretsController extends settingsController(DEVICE_SECRETS, {
  item: DeviceSecretResponse,
  page: DeviceSecretPage,
}) {}

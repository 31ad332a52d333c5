import { ApiProperty } from '@nestjs/swagger';
import { PageMeta } from '../../../twilio/paging';

/** An account's config as Twilio's `microvisor.v1.account_config` schema gives it. */
export class AccountConfigResponse {
  @ApiProperty({ example: 'first' })
  key!: string;

  @ApiProperty({ example: 'some value' })
  value!: string;

  @ApiProperty({ example: '2021-01-01T12:34:56Z' })
  date_updated!: string;

  @ApiProperty({ format: 'uri' })
  url!: string;
}

/** A device's config (`microvisor.v1.device.device_config`). */
export class DeviceConfigResponse extends AccountConfigResponse {
  @ApiProperty({ example: 'UVaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
  device_sid!: string;
}

/** An account's secret (`microvisor.v1.account_secret`): never its value. */
export class AccountSecretResponse {
  @ApiProperty({ example: 'first' })
  key!: string;

  @ApiProperty({ example: '2021-01-01T12:34:56Z', description: 'When the value was last set' })
  date_rotated!: string;

  @ApiProperty({ format: 'uri' })
  url!: string;
}

/** A device's secret (`microvisor.v1.device.device_secret`): never its value. */
export class DeviceSecretResponse extends AccountSecretResponse {
  @ApiProperty({ example: 'UVaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
  device_sid!: string;
}

/** What the mapper writes: one of the four, by the kind of setting. */
export type SettingResponse = AccountConfigResponse | AccountSecretResponse;

export class AccountConfigPage {
  @ApiProperty({ type: [AccountConfigResponse] })
  configs!: AccountConfigResponse[];

  @ApiProperty()
  meta!: PageMeta;
}

export class DeviceConfigPage {
  @ApiProperty({ type: [DeviceConfigResponse] })
  configs!: DeviceConfigResponse[];

  @ApiProperty()
  meta!: PageMeta;
}

export class AccountSecretPage {
  @ApiProperty({ type: [AccountSecretResponse] })
  secrets!: AccountSecretResponse[];

  @ApiProperty()
  meta!: PageMeta;
}

export class DeviceSecretPage {
  @ApiProperty({ type: [DeviceSecretResponse] })
  secrets!: DeviceSecretResponse[];

  @ApiProperty()
  meta!: PageMeta;
}

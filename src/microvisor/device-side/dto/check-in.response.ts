import { ApiProperty } from '@nestjs/swagger';
import { DeviceLogging } from '../../dto/device.response';

/** The App a Device is to run, and where to download it. */
export class TargetApp {
  @ApiProperty({ example: 'KAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
  sid!: string;

  @ApiProperty({
    description: 'SHA-256 of the bundle, `sha256:<hex>`: check the download against it',
  })
  hash!: string;

  @ApiProperty({ format: 'uri', description: 'GET it with the same credential' })
  bundle_url!: string;
}

export class SettingValue {
  @ApiProperty()
  key!: string;

  @ApiProperty()
  value!: string;
}

/** Settings of the Device's own and of its account's, each in key order. */
export class SettingValues {
  @ApiProperty({ type: [SettingValue] })
  device!: SettingValue[];

  @ApiProperty({ type: [SettingValue] })
  account!: SettingValue[];
}

/** What a Device is to be: the answer to its check-in. */
export class CheckInResponse {
  @ApiProperty({ example: 'UVaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
  device_sid!: string;

  @ApiProperty({ type: TargetApp, nullable: true, description: 'null: no App is targeted' })
  target_app!: TargetApp | null;

  @ApiProperty()
  configs!: SettingValues;

  @ApiProperty({ description: 'Values in clear: the one answer that carries them' })
  secrets!: SettingValues;

  @ApiProperty()
  logging!: DeviceLogging;

  @ApiProperty({ description: 'true once after RestartApp=true: restart the App now' })
  restart_app!: boolean;
}

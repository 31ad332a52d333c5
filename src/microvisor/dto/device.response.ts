import { ApiProperty } from '@nestjs/swagger';
import { PageMeta } from '../../twilio/paging';
import { UPDATE_STATUSES, type UpdateStatus } from '../entities/device.entity';

/** What the Device is targeted at, and what it last reported (Twilio's `app` object). */
export class DeviceAppState {
  @ApiProperty({ type: String, nullable: true, example: 'KAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
  target_sid!: string | null;

  @ApiProperty({ type: String, nullable: true, description: "The target App's hash" })
  target_hash!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '2021-01-01T12:34:56Z' })
  date_targeted!: string | null;

  @ApiProperty({ enum: UPDATE_STATUSES })
  update_status!: UpdateStatus;

  @ApiProperty({ description: 'What the Device reported on its last failed update; 0 otherwise' })
  update_error_code!: number;

  @ApiProperty({ type: String, nullable: true, description: 'The App the Device last reported' })
  reported_sid!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '2021-01-01T12:34:56Z' })
  date_reported!: string | null;
}

export class DeviceLogging {
  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'null while logging is disabled' })
  date_expires!: string | null;
}

class DeviceLinks {
  @ApiProperty({ format: 'uri' })
  device_configs!: string;

  @ApiProperty({ format: 'uri' })
  device_secrets!: string;
}

/** A Device as Twilio's `microvisor.v1.device` schema gives it. */
export class DeviceResponse {
  @ApiProperty({ example: 'UVaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
  sid!: string;

  @ApiProperty({ type: String, nullable: true })
  unique_name!: string | null;

  @ApiProperty({ example: 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
  account_sid!: string;

  @ApiProperty()
  app!: DeviceAppState;

  @ApiProperty()
  logging!: DeviceLogging;

  @ApiProperty({ example: '2015-07-30T20:00:00Z' })
  date_created!: string;

  @ApiProperty({ example: '2015-07-30T20:00:00Z' })
  date_updated!: string;

  @ApiProperty({ format: 'uri' })
  url!: string;

  @ApiProperty()
  links!: DeviceLinks;
}

export class DevicePage {
  @ApiProperty({ type: [DeviceResponse] })
  devices!: DeviceResponse[];

  @ApiProperty()
  meta!: PageMeta;
}

import { ApiProperty } from '@nestjs/swagger';
import { PageMeta } from '../../twilio/paging';

/** A rate plan as Twilio's `wireless.v1.rate_plan` schema gives it. */
export class RatePlanResponse {
  @ApiProperty({ example: 'WPaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
  sid!: string;

  @ApiProperty({ type: String, nullable: true })
  unique_name!: string | null;

  @ApiProperty({ example: 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
  account_sid!: string;

  @ApiProperty({ type: String, nullable: true })
  friendly_name!: string | null;

  @ApiProperty()
  data_enabled!: boolean;

  @ApiProperty({ example: 'payg' })
  data_metering!: string;

  @ApiProperty({ description: 'Megabytes a month on the home network' })
  data_limit!: number;

  @ApiProperty()
  messaging_enabled!: boolean;

  @ApiProperty({ description: 'Deprecated' })
  voice_enabled!: boolean;

  @ApiProperty()
  national_roaming_enabled!: boolean;

  @ApiProperty()
  national_roaming_data_limit!: number;

  @ApiProperty({ type: [String], example: ['data', 'messaging'] })
  international_roaming!: string[];

  @ApiProperty()
  international_roaming_data_limit!: number;

  @ApiProperty({ example: '2015-07-30T20:00:00Z' })
  date_created!: string;

  @ApiProperty({ example: '2015-07-30T20:00:00Z' })
  date_updated!: string;

  @ApiProperty({ format: 'uri' })
  url!: string;
}

export class RatePlanPage {
  @ApiProperty({ type: [RatePlanResponse] })
  rate_plans!: RatePlanResponse[];

  @ApiProperty()
  meta!: PageMeta;
}

import { ApiProperty } from '@nestjs/swagger';
import { PageMeta } from '../../twilio/paging';

/** A record's span: `start` included, `end` excluded. */
export class UsagePeriodResponse {
  @ApiProperty({ example: '2015-07-30T20:00:00Z' })
  start!: string;

  @ApiProperty({ example: '2015-07-31T00:00:00Z' })
  end!: string;
}

/** An account's UsageRecord, as Twilio's `wireless.v1.account_usage_record` schema gives it. */
export class AccountUsageRecordResponse {
  @ApiProperty({ example: 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
  account_sid!: string;

  @ApiProperty()
  period!: UsagePeriodResponse;

  @ApiProperty({
    description:
      'Commands created in the period by direction: billing_units, billed (0), total, from_sim, to_sim; home (the same), national_roaming (zeros), international_roaming ([])',
    example: {
      billing_units: 'USD',
      billed: 0,
      total: 3,
      from_sim: 1,
      to_sim: 2,
      home: { billing_units: 'USD', billed: 0, total: 3, from_sim: 1, to_sim: 2 },
      national_roaming: { billing_units: 'USD', billed: 0, total: 0, from_sim: 0, to_sim: 0 },
      international_roaming: [],
    },
  })
  commands!: object;

  @ApiProperty({
    description:
      'Bytes of the ingestion requests (upload) and answers (download) of the devices of the Sims: billing_units, billed (0), total, upload, download, units (bytes); home (the same), national_roaming (zeros), international_roaming ([])',
    example: {
      billing_units: 'USD',
      billed: 0,
      total: 1500,
      upload: 1200,
      download: 300,
      units: 'bytes',
      home: {
        billing_units: 'USD',
        billed: 0,
        total: 1500,
        upload: 1200,
        download: 300,
        units: 'bytes',
      },
      national_roaming: {
        billing_units: 'USD',
        billed: 0,
        total: 0,
        upload: 0,
        download: 0,
        units: 'bytes',
      },
      international_roaming: [],
    },
  })
  data!: object;
}

/** A Sim's UsageRecord, as Twilio's `wireless.v1.sim.usage_record` schema gives it. */
export class SimUsageRecordResponse extends AccountUsageRecordResponse {
  @ApiProperty({ example: 'DEaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
  sim_sid!: string;
}

export class AccountUsageRecordPage {
  @ApiProperty({ type: [AccountUsageRecordResponse] })
  usage_records!: AccountUsageRecordResponse[];

  @ApiProperty()
  meta!: PageMeta;
}

export class SimUsageRecordPage {
  @ApiProperty({ type: [SimUsageRecordResponse] })
  usage_records!: SimUsageRecordResponse[];

  @ApiProperty()
  meta!: PageMeta;
}

/** A data session, as Twilio's `wireless.v1.sim.data_session` schema gives it. */
export class DataSessionResponse {
  @ApiProperty({ example: 'WNaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
  sid!: string;

  @ApiProperty({ example: 'DEaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
  sim_sid!: string;

  @ApiProperty({ example: 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
  account_sid!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'null: FleetHub does not see the radio',
  })
  radio_link!: null;

  @ApiProperty({ type: String, nullable: true })
  operator_mcc!: null;

  @ApiProperty({ type: String, nullable: true })
  operator_mnc!: null;

  @ApiProperty({ type: String, nullable: true })
  operator_country!: null;

  @ApiProperty({ type: String, nullable: true })
  operator_name!: null;

  @ApiProperty({ type: String, nullable: true })
  cell_id!: null;

  @ApiProperty({ type: Object, nullable: true })
  cell_location_estimate!: null;

  @ApiProperty({ description: 'Requests of the session' })
  packets_uploaded!: number;

  @ApiProperty({ description: 'Answers of the session' })
  packets_downloaded!: number;

  @ApiProperty({ example: '2015-07-30T20:00:00Z', description: 'The last traffic of the session' })
  last_updated!: string;

  @ApiProperty({ example: '2015-07-30T20:00:00Z' })
  start!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '2015-07-30T20:00:00Z',
    description: 'null while the session is open',
  })
  end!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "The device's IMEI (or Asset Tracker trackerId) the traffic came from",
  })
  imei!: string | null;
}

export class DataSessionPage {
  @ApiProperty({ type: [DataSessionResponse] })
  data_sessions!: DataSessionResponse[];

  @ApiProperty()
  meta!: PageMeta;
}

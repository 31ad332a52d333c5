import { ApiProperty } from '@nestjs/swagger';
import { PageMeta } from '../../twilio/paging';
import {
  HTTP_METHODS,
  SIM_STATUSES,
  type HttpMethod,
  type SimStatus,
} from '../entities/sim.entity';

const METHOD = { enum: HTTP_METHODS, example: 'POST' } as const;
const URL = { type: String, format: 'uri', nullable: true } as const;

/** The URLs of what belongs to a Sim; `rate_plan` only when it has one. */
export class SimLinks {
  @ApiProperty({ format: 'uri' })
  data_sessions!: string;

  @ApiProperty({ format: 'uri' })
  usage_records!: string;

  @ApiProperty({ format: 'uri', required: false })
  rate_plan?: string;
}

/** A Sim as Twilio's `wireless.v1.sim` schema gives it: every field, in its order. */
export class SimResponse {
  @ApiProperty({ example: 'DEaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
  sid!: string;

  @ApiProperty({ type: String, nullable: true })
  unique_name!: string | null;

  @ApiProperty({ example: 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
  account_sid!: string;

  @ApiProperty({ type: String, nullable: true, example: 'WPaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
  rate_plan_sid!: string | null;

  @ApiProperty({ type: String, nullable: true })
  friendly_name!: string | null;

  @ApiProperty({ example: '89014103211118510720' })
  iccid!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Deprecated' })
  e_id!: string | null;

  @ApiProperty({ enum: SIM_STATUSES })
  status!: SimStatus;

  @ApiProperty({ enum: ['resetting'], nullable: true })
  reset_status!: 'resetting' | null;

  @ApiProperty(URL)
  commands_callback_url!: string | null;

  @ApiProperty(METHOD)
  commands_callback_method!: HttpMethod;

  @ApiProperty({ ...METHOD, description: 'Deprecated' })
  sms_fallback_method!: HttpMethod;

  @ApiProperty({ ...URL, description: 'Deprecated' })
  sms_fallback_url!: string | null;

  @ApiProperty({ ...METHOD, description: 'Deprecated' })
  sms_method!: HttpMethod;

  @ApiProperty({ ...URL, description: 'Deprecated' })
  sms_url!: string | null;

  @ApiProperty({ ...METHOD, description: 'Deprecated' })
  voice_fallback_method!: HttpMethod;

  @ApiProperty({ ...URL, description: 'Deprecated' })
  voice_fallback_url!: string | null;

  @ApiProperty({ ...METHOD, description: 'Deprecated' })
  voice_method!: HttpMethod;

  @ApiProperty({ ...URL, description: 'Deprecated' })
  voice_url!: string | null;

  @ApiProperty({ example: '2015-07-30T20:00:00Z' })
  date_created!: string;

  @ApiProperty({ example: '2015-07-30T20:00:00Z' })
  date_updated!: string;

  @ApiProperty({ format: 'uri' })
  url!: string;

  @ApiProperty()
  links!: SimLinks;

  @ApiProperty({ type: String, nullable: true, description: 'Deprecated' })
  ip_address!: string | null;
}

export class SimPage {
  @ApiProperty({ type: [SimResponse] })
  sims!: SimResponse[];

  @ApiProperty()
  meta!: PageMeta;
}

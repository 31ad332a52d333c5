import { DateTimeParam, EnumParam } from '../../twilio/form-params';
import { PageQuery } from '../../twilio/paging';
import { GRANULARITIES, type Granularity } from './usage-periods';

/** `GET /v1/UsageRecords` and `GET /v1/Sims/{SimSid}/UsageRecords`. */
export class UsageRecordsParams extends PageQuery {
  @DateTimeParam({
    description:
      'Only usage on or before this time; default now. Widened to the end of its hour (usage is kept per hour)',
  })
  End?: Date;

  @DateTimeParam({
    description:
      'Only usage on or after this time; default one month before End. Widened to the start of its hour',
  })
  Start?: Date;

  @EnumParam(GRANULARITIES, {
    description: 'hourly, daily (UTC days) or all (one record of the whole period); default all',
  })
  Granularity?: Granularity;
}

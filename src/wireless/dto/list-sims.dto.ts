import { EnumParam, StringParam } from '../../twilio/form-params';
import { PageQuery } from '../../twilio/paging';
import { SIM_STATUSES, type SimStatus } from '../entities/sim.entity';

/** The filters of GET /Sims, in the spec's order, and the paging parameters. */
export class ListSimsQuery extends PageQuery {
  @EnumParam(SIM_STATUSES, { description: 'Only Sims with this status' })
  Status?: SimStatus;

  @StringParam({ maxLength: 64, description: 'Only the Sim with this ICCID' })
  Iccid?: string;

  @StringParam({
    maxLength: 64,
    description: 'Only Sims on this RatePlan, by its SID or unique name',
  })
  RatePlan?: string;

  @StringParam({ maxLength: 64, description: 'Only the Sim with this EID (deprecated)' })
  EId?: string;

  @StringParam({ maxLength: 64, description: 'Only the Sim with this registration code' })
  SimRegistrationCode?: string;
}

import {
  BooleanParam,
  EnumListParam,
  EnumParam,
  IntegerParam,
  StringParam,
  UniqueNameParam,
} from '../../twilio/form-params';
import { UNIQUE_NAME_MAX_LENGTH } from '../wireless-addresses';

export const DATA_METERINGS = ['payg', 'quota-1', 'quota-10', 'quota-50'] as const;
export const ROAMING_SERVICES = ['data', 'messaging', 'voice'] as const;
export const DATA_LIMIT_STRATEGIES = ['block', 'throttle'] as const;

/** Twilio's bound on every data limit: 2 TB, in megabytes. */
export const MAX_DATA_LIMIT_MB = 2_000_000;

/** Twilio's code for a rate plan's invalid limit or unique name (too long, SID-shaped, taken). */
export const INVALID_PARAMETER_VALUE = 33101;

const DataLimitParam = (description: string) =>
  IntegerParam({ min: 0, max: MAX_DATA_LIMIT_MB, code: INVALID_PARAMETER_VALUE, description });

const PlanUniqueName = () =>
  UniqueNameParam({
    maxLength: UNIQUE_NAME_MAX_LENGTH,
    code: INVALID_PARAMETER_VALUE,
    description:
      'Unique in the account; addresses the rate plan in place of its SID, so it may not have the shape of a SID',
  });

const PlanFriendlyName = () => StringParam({ maxLength: UNIQUE_NAME_MAX_LENGTH });

/**
 * `POST /v1/RatePlans`: every parameter of the spec, all optional. The defaults are the spec's
 * where it states one (DataLimit 1000, DataLimitStrategy block); otherwise those of the spec's
 * example rate plan, but for the deprecated voice and for international roaming, which a plan has
 * only when asked for.
 */
export class CreateRatePlanParams {
  @PlanUniqueName()
  UniqueName?: string;

  @PlanFriendlyName()
  FriendlyName?: string;

  @BooleanParam({ description: 'Default true' })
  DataEnabled = true;

  @DataLimitParam('Megabytes a month on the home network, default 1000')
  DataLimit = 1000;

  @EnumParam(DATA_METERINGS, { description: 'Default payg' })
  DataMetering: string = 'payg';

  @BooleanParam({ description: 'Default true' })
  MessagingEnabled = true;

  @BooleanParam({ description: 'Deprecated; default false' })
  VoiceEnabled = false;

  @BooleanParam({ description: 'Default true' })
  NationalRoamingEnabled = true;

  @EnumListParam(ROAMING_SERVICES, { description: 'Services abroad; default none' })
  InternationalRoaming: string[] = [];

  @DataLimitParam('Megabytes a month on other networks in the country, default 1000')
  NationalRoamingDataLimit = 1000;

  @DataLimitParam('Megabytes a month abroad, default 1000')
  InternationalRoamingDataLimit = 1000;

  @EnumParam(DATA_LIMIT_STRATEGIES, {
    description: 'What the home network does past the data limit; default block',
  })
  DataLimitStrategy: string = 'block';
}

/** `POST /v1/RatePlans/{Sid}`: only the names change. */
export class UpdateRatePlanParams {
  @PlanUniqueName()
  UniqueName?: string;

  @PlanFriendlyName()
  FriendlyName?: string;
}

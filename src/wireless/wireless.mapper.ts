import { twilioDate } from '../twilio/twilio-date';
import type { TwilioAccount } from '../twilio/twilio-api.decorator';
import type { RatePlanResponse } from './dto/rate-plan.response';
import type { RatePlanEntity } from './entities/rate-plan.entity';

/** The URL of a rate plan under the API's base URL (`ApiBaseUrl(WIRELESS_V1)`). */
export const ratePlanUrl = (baseUrl: string, sid: string) => `${baseUrl}/RatePlans/${sid}`;

/** A rate plan exactly as the spec's schema lists its fields (DataLimitStrategy is not one). */
export function toRatePlanResponse(
  plan: RatePlanEntity,
  account: TwilioAccount,
  baseUrl: string,
): RatePlanResponse {
  return {
    sid: plan.sid,
    unique_name: plan.uniqueName,
    account_sid: account.accountSid,
    friendly_name: plan.friendlyName,
    data_enabled: plan.dataEnabled,
    data_metering: plan.dataMetering,
    data_limit: plan.dataLimit,
    messaging_enabled: plan.messagingEnabled,
    voice_enabled: plan.voiceEnabled,
    national_roaming_enabled: plan.nationalRoamingEnabled,
    national_roaming_data_limit: plan.nationalRoamingDataLimit,
    international_roaming: plan.internationalRoaming,
    international_roaming_data_limit: plan.internationalRoamingDataLimit,
    date_created: twilioDate(plan.createdAt),
    date_updated: twilioDate(plan.updatedAt),
    url: ratePlanUrl(baseUrl, plan.sid),
  };
}

import { twilioDate } from '../twilio/twilio-date';
import type { TwilioAccount } from '../twilio/twilio-api.decorator';
import type { CommandResponse } from './commands/dto/command.response';
import type { RatePlanResponse } from './dto/rate-plan.response';
import type { SimResponse } from './dto/sim.response';
import type { CommandEntity } from './entities/command.entity';
import type { RatePlanEntity } from './entities/rate-plan.entity';
import type { SimEntity } from './entities/sim.entity';

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

/**
 * A Sim exactly as the spec's schema lists its fields (its IMEI and registration code are not
 * among them). `url` and `links` lead back to this server; a Sim without a rate plan has no
 * `rate_plan` link.
 */
export function toSimResponse(
  sim: SimEntity,
  account: Pick<TwilioAccount, 'accountSid'>,
  baseUrl: string,
): SimResponse {
  const url = `${baseUrl}/Sims/${sim.sid}`;
  return {
    sid: sim.sid,
    unique_name: sim.uniqueName,
    account_sid: account.accountSid,
    rate_plan_sid: sim.ratePlanSid,
    friendly_name: sim.friendlyName,
    iccid: sim.iccid,
    e_id: sim.eId,
    status: sim.status,
    reset_status: sim.resetStatus,
    commands_callback_url: sim.commandsCallbackUrl,
    commands_callback_method: sim.commandsCallbackMethod,
    sms_fallback_method: sim.smsFallbackMethod,
    sms_fallback_url: sim.smsFallbackUrl,
    sms_method: sim.smsMethod,
    sms_url: sim.smsUrl,
    voice_fallback_method: sim.voiceFallbackMethod,
    voice_fallback_url: sim.voiceFallbackUrl,
    voice_method: sim.voiceMethod,
    voice_url: sim.voiceUrl,
    date_created: twilioDate(sim.createdAt),
    date_updated: twilioDate(sim.updatedAt),
    url,
    links: {
      data_sessions: `${url}/DataSessions`,
      usage_records: `${url}/UsageRecords`,
      ...(sim.ratePlanSid === null ? {} : { rate_plan: ratePlanUrl(baseUrl, sim.ratePlanSid) }),
    },
    ip_address: sim.ipAddress,
  };
}

/** The URL of a Command under the API's base URL (`ApiBaseUrl(WIRELESS_V1)`). */
export const commandUrl = (baseUrl: string, sid: string) => `${baseUrl}/Commands/${sid}`;

/** A Command exactly as the spec's schema lists its fields. */
export function toCommandResponse(
  command: CommandEntity,
  account: TwilioAccount,
  baseUrl: string,
): CommandResponse {
  return {
    sid: command.sid,
    account_sid: account.accountSid,
    sim_sid: command.simSid,
    command: command.command,
    command_mode: command.commandMode,
    transport: command.transport,
    delivery_receipt_requested: command.deliveryReceiptRequested,
    status: command.status,
    direction: command.direction,
    date_created: twilioDate(command.createdAt),
    date_updated: twilioDate(command.updatedAt),
    url: commandUrl(baseUrl, command.sid),
  };
}

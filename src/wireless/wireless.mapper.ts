import { twilioDate } from '../twilio/twilio-date';
import type { HttpMethod, SimEntity, SimStatus } from './entities/sim.entity';

/** Where the Wireless API is mounted: its resources' URLs start there. */
export const WIRELESS_V1 = '/wireless/v1';

/** A Sim as the API answers it: every field of the spec's `wireless.v1.sim`, in its order. */
export interface SimResponse {
  sid: string;
  unique_name: string | null;
  account_sid: string;
  rate_plan_sid: string | null;
  friendly_name: string | null;
  iccid: string;
  e_id: string | null;
  status: SimStatus;
  reset_status: 'resetting' | null;
  commands_callback_url: string | null;
  commands_callback_method: HttpMethod;
  sms_fallback_method: HttpMethod;
  sms_fallback_url: string | null;
  sms_method: HttpMethod;
  sms_url: string | null;
  voice_fallback_method: HttpMethod;
  voice_fallback_url: string | null;
  voice_method: HttpMethod;
  voice_url: string | null;
  date_created: string;
  date_updated: string;
  url: string;
  links: { data_sessions: string; usage_records: string; rate_plan?: string };
  ip_address: string | null;
}

/**
 * A Sim as JSON. `baseUrl` is the absolute URL of the API's version (`https://host/wireless/v1`):
 * `url` and `links` lead back to this server, never to twilio.com. A Sim without a rate plan has
 * no `rate_plan` link.
 */
export function toSimResponse(sim: SimEntity, accountSid: string, baseUrl: string): SimResponse {
  const url = `${baseUrl}/Sims/${sim.sid}`;
  return {
    sid: sim.sid,
    unique_name: sim.uniqueName,
    account_sid: accountSid,
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
      ...(sim.ratePlanSid === null ? {} : { rate_plan: `${baseUrl}/RatePlans/${sim.ratePlanSid}` }),
    },
    ip_address: sim.ipAddress,
  };
}

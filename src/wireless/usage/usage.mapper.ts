import type { TwilioAccount } from '../../twilio/twilio-api.decorator';
import { twilioDate } from '../../twilio/twilio-date';
import type { DataSession } from './data-sessions.service';
import type { UsageRecord } from './usage-record';
import type {
  AccountUsageRecordResponse,
  DataSessionResponse,
  SimUsageRecordResponse,
} from './usage.response';

export function toAccountUsageRecordResponse(
  record: UsageRecord,
  account: TwilioAccount,
): AccountUsageRecordResponse {
  return {
    account_sid: account.accountSid,
    period: { start: twilioDate(record.period.start), end: twilioDate(record.period.end) },
    commands: record.commands,
    data: record.data,
  };
}

export function toSimUsageRecordResponse(
  record: UsageRecord,
  account: TwilioAccount,
  simSid: string,
): SimUsageRecordResponse {
  return { sim_sid: simSid, ...toAccountUsageRecordResponse(record, account) };
}

/** A data session with every field of the spec's schema; what FleetHub cannot see is null. */
export function toDataSessionResponse(
  session: DataSession,
  account: TwilioAccount,
): DataSessionResponse {
  return {
    sid: session.sid,
    sim_sid: session.simSid,
    account_sid: account.accountSid,
    radio_link: null,
    operator_mcc: null,
    operator_mnc: null,
    operator_country: null,
    operator_name: null,
    cell_id: null,
    cell_location_estimate: null,
    packets_uploaded: session.packetsUploaded,
    packets_downloaded: session.packetsDownloaded,
    last_updated: twilioDate(session.lastUpdated),
    start: twilioDate(session.start),
    end: session.end && twilioDate(session.end),
    imei: session.imei,
  };
}

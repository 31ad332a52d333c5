import type { TwilioAccount } from '../twilio/twilio-api.decorator';
import { twilioDate } from '../twilio/twilio-date';
import type { AppManifestResponse, AppResponse } from './dto/app.response';
import type { DeviceView } from './devices.service';
import type { DeviceLogging, DeviceResponse } from './dto/device.response';
import type { MicrovisorAppEntity } from './entities/app.entity';
import type { MicrovisorDeviceEntity } from './entities/device.entity';

/** The URL of an App under the API's base URL (`ApiBaseUrl(MICROVISOR_V1)`). */
const appUrl = (baseUrl: string, sid: string) => `${baseUrl}/Apps/${sid}`;

/** The URL of a Device under the API's base URL (`ApiBaseUrl(MICROVISOR_V1)`). */
export const deviceUrl = (baseUrl: string, sid: string) => `${baseUrl}/Devices/${sid}`;

const dateOrNull = (date: Date | null) => (date ? twilioDate(date) : null);

/** An App exactly as the spec's schema lists its fields. */
export function toAppResponse(
  app: MicrovisorAppEntity,
  account: TwilioAccount,
  baseUrl: string,
): AppResponse {
  const url = appUrl(baseUrl, app.sid);
  return {
    sid: app.sid,
    account_sid: account.accountSid,
    hash: app.hash,
    unique_name: app.uniqueName,
    date_created: twilioDate(app.createdAt),
    date_updated: twilioDate(app.updatedAt),
    url,
    links: { app_manifests: `${url}/Manifest` },
  };
}

/** An App's manifest: the JSON derived from its bundle, base64 (see `digestBundle`). */
export function toAppManifestResponse(
  app: MicrovisorAppEntity,
  baseUrl: string,
): AppManifestResponse {
  return {
    app_sid: app.sid,
    hash: app.hash,
    encoded_bytes: app.manifest.toString('base64'),
    url: `${appUrl(baseUrl, app.sid)}/Manifest`,
  };
}

/** Whether a Device's logging is on at `now`, and until when. */
export function deviceLogging(device: MicrovisorDeviceEntity, now: Date): DeviceLogging {
  const expires = device.loggingExpiresAt;
  const enabled = expires !== null && expires.getTime() > now.getTime();
  return { enabled, date_expires: enabled ? twilioDate(expires) : null };
}

/**
 * A Device exactly as the spec's schema lists its fields, with the nested `app` and `logging`
 * objects its description names (logging as it stands at `now`).
 */
export function toDeviceResponse(
  { device, targetHash }: DeviceView,
  account: TwilioAccount,
  baseUrl: string,
  now: Date,
): DeviceResponse {
  const url = deviceUrl(baseUrl, device.sid);
  return {
    sid: device.sid,
    unique_name: device.uniqueName,
    account_sid: account.accountSid,
    app: {
      target_sid: device.targetAppSid,
      target_hash: targetHash,
      date_targeted: dateOrNull(device.targetedAt),
      update_status: device.updateStatus,
      update_error_code: device.updateErrorCode,
      reported_sid: device.reportedAppSid,
      date_reported: dateOrNull(device.reportedAt),
    },
    logging: deviceLogging(device, now),
    date_created: twilioDate(device.createdAt),
    date_updated: twilioDate(device.updatedAt),
    url,
    links: { device_configs: `${url}/Configs`, device_secrets: `${url}/Secrets` },
  };
}

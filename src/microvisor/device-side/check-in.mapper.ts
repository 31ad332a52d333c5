import { deviceLogging } from '../microvisor.mapper';
import type { DesiredState } from './check-in.service';
import type { CheckInResponse } from './dto/check-in.response';

/** Where a Device downloads an App's bundle, under the device side's base URL. */
const bundleUrl = (deviceBaseUrl: string, appSid: string) =>
  `${deviceBaseUrl}/apps/${appSid}/bundle`;

/** The answer to a check-in: everything the Device is to be, at `now`. */
export function toCheckInResponse(
  state: DesiredState,
  deviceBaseUrl: string,
  now: Date,
): CheckInResponse {
  const { device, target, restart, settings } = state;
  return {
    device_sid: device.sid,
    target_app: target && {
      sid: target.sid,
      hash: target.hash,
      bundle_url: bundleUrl(deviceBaseUrl, target.sid),
    },
    configs: settings.configs,
    secrets: settings.secrets,
    logging: deviceLogging(device, now),
    restart_app: restart,
  };
}

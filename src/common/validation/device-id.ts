import { PRINTABLE_TEXT } from './storable-text';

/**
 * A device's own identifier as the telemetry contract takes it (`imei`): 1 to 50 characters of
 * printable text. Whatever else names a device by it (a Sim's `imei`) follows the same rule.
 */
export const DEVICE_ID_MAX_LENGTH = 50;

export function isDeviceId(value: string): boolean {
  return value.length >= 1 && value.length <= DEVICE_ID_MAX_LENGTH && PRINTABLE_TEXT.test(value);
}

import { pageMeta, type Page, type PageMeta, type PageRequest } from '../../twilio/paging';
import { twilioDate } from '../../twilio/twilio-date';
import { deviceUrl } from '../microvisor.mapper';
import type { SettingResponse } from './dto/setting.response';
import type { SettingKind, SettingOwner, SettingRow } from './setting-kinds';

/** The URL of an owner's list of a kind (`…/Configs`, `…/Devices/UV…/Secrets`) under the API's base URL. */
export function settingsUrl(baseUrl: string, kind: SettingKind, owner: SettingOwner): string {
  const ownerUrl = owner.deviceSid === undefined ? baseUrl : deviceUrl(baseUrl, owner.deviceSid);
  return `${ownerUrl}/${kind.collection}`;
}

/**
 * A config or secret exactly as the spec's schema of its kind lists its fields: a device's carry
 * its SID; a config its value and update time; a secret only when its value was last set.
 */
export function toSettingResponse(
  kind: SettingKind,
  row: SettingRow,
  baseUrl: string,
): SettingResponse {
  const device = kind.scope === 'device' ? { device_sid: row.deviceSid! } : {};
  const url = `${settingsUrl(baseUrl, kind, row)}/${row.key}`;
  return kind.secret
    ? { ...device, key: row.key, date_rotated: twilioDate(row.rotatedAt!), url }
    : { ...device, key: row.key, value: row.value!, date_updated: twilioDate(row.updatedAt!), url };
}

/** A page of a list answer: `configs` or `secrets`, and the paging `meta`. */
export type SettingPage = { meta: PageMeta } & Partial<
  Record<'configs' | 'secrets', SettingResponse[]>
>;

export function toSettingPage(
  kind: SettingKind,
  owner: SettingOwner,
  page: Page<SettingRow>,
  request: PageRequest,
  baseUrl: string,
): SettingPage {
  const key = kind.collection === 'Configs' ? 'configs' : 'secrets';
  return {
    [key]: page.rows.map((row) => toSettingResponse(kind, row, baseUrl)),
    meta: pageMeta(key, settingsUrl(baseUrl, kind, owner), [], request, page),
  };
}

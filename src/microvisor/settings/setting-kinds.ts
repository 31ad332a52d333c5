import type { EntityTarget } from 'typeorm';
import { AccountConfigEntity } from '../entities/account-config.entity';
import { AccountSecretEntity } from '../entities/account-secret.entity';
import { DeviceConfigEntity } from '../entities/device-config.entity';
import { DeviceSecretEntity } from '../entities/device-secret.entity';

/**
 * A row of any of the four tables: what they share, and what only some have (a device's SID, a
 * config's value and update time, a secret's sealed value and rotation time).
 */
export interface SettingRow {
  tenantId: string;
  deviceSid?: string;
  key: string;
  value?: string;
  valueSealed?: Buffer;
  updatedAt?: Date;
  rotatedAt?: Date;
  createdAt: Date;
}

/**
 * One of Microvisor's four key-value resources: configs and secrets (write-only values, sealed),
 * of the account (every device receives them) or of one device. The routes, the service and the
 * mapper are written once over these.
 */
export interface SettingKind {
  /** Twilio's name of the resource, as in its operation names (`CreateAccountConfig`). */
  resource: 'AccountConfig' | 'AccountSecret' | 'DeviceConfig' | 'DeviceSecret';
  scope: 'account' | 'device';
  /** The path segment of the list (`/Configs`); in lower case, the list answer's key. */
  collection: 'Configs' | 'Secrets';
  /** A secret's value is sealed, and no route ever answers with it. */
  secret: boolean;
  entity: EntityTarget<SettingRow>;
}

export const ACCOUNT_CONFIGS: SettingKind = {
  resource: 'AccountConfig',
  scope: 'account',
  collection: 'Configs',
  secret: false,
  entity: AccountConfigEntity,
};

export const ACCOUNT_SECRETS: SettingKind = {
  resource: 'AccountSecret',
  scope: 'account',
  collection: 'Secrets',
  secret: true,
  entity: AccountSecretEntity,
};

export const DEVICE_CONFIGS: SettingKind = {
  resource: 'DeviceConfig',
  scope: 'device',
  collection: 'Configs',
  secret: false,
  entity: DeviceConfigEntity,
};

export const DEVICE_SECRETS: SettingKind = {
  resource: 'DeviceSecret',
  scope: 'device',
  collection: 'Secrets',
  secret: true,
  entity: DeviceSecretEntity,
};

/** The kind's resource in a sentence: `config` or `secret`. */
export const settingNoun = (kind: SettingKind): string => (kind.secret ? 'secret' : 'config');

/** Whose settings a request names: the account's, or those of the device it addresses. */
export interface SettingOwner {
  tenantId: string;
  /** The device's SID; absent for the account's own. */
  deviceSid?: string;
}

/** The columns that hold the owner in its kind's table: a condition, or a new row's values. */
export const ownerColumns = (owner: SettingOwner): Pick<SettingRow, 'tenantId' | 'deviceSid'> =>
  owner.deviceSid === undefined
    ? { tenantId: owner.tenantId }
    : { tenantId: owner.tenantId, deviceSid: owner.deviceSid };

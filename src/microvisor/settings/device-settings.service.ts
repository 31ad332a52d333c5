import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SecretSealer } from './secret-sealer';
import {
  ACCOUNT_CONFIGS,
  ACCOUNT_SECRETS,
  DEVICE_CONFIGS,
  DEVICE_SECRETS,
  ownerColumns,
  type SettingKind,
  type SettingOwner,
} from './setting-kinds';

export interface KeyValue {
  key: string;
  value: string;
}

/** What a device receives at check-in: its own settings and its account's, each in key order. */
export interface DeviceSettings {
  configs: { device: KeyValue[]; account: KeyValue[] };
  secrets: { device: KeyValue[]; account: KeyValue[] };
}

/** The device a check-in authenticated as. */
export interface CheckedInDevice {
  sid: string;
  tenantId: string;
}

/**
 * The configs and secrets a device receives when it checks in: the only place where a secret's
 * value leaves FleetHub, opened for the device it belongs to (its own, or its account's).
 */
@Injectable()
export class DeviceSettingsService {
  private readonly logger = new Logger(DeviceSettingsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sealer: SecretSealer,
  ) {}

  async forDevice(device: CheckedInDevice): Promise<DeviceSettings> {
    const account: SettingOwner = { tenantId: device.tenantId };
    const own: SettingOwner = { tenantId: device.tenantId, deviceSid: device.sid };
    const [deviceConfigs, accountConfigs, deviceSecrets, accountSecrets] = await Promise.all([
      this.values(DEVICE_CONFIGS, own),
      this.values(ACCOUNT_CONFIGS, account),
      this.values(DEVICE_SECRETS, own),
      this.values(ACCOUNT_SECRETS, account),
    ]);
    return {
      configs: { device: deviceConfigs, account: accountConfigs },
      secrets: { device: deviceSecrets, account: accountSecrets },
    };
  }

  /**
   * The owner's keys and values of a kind, secrets opened. A secret that does not open (sealed
   * under another SECRETS_ENCRYPTION_KEY) is left out and logged, never delivered garbled: it
   * comes back once it is set again.
   */
  private async values(kind: SettingKind, owner: SettingOwner): Promise<KeyValue[]> {
    const query = this.dataSource
      .getRepository(kind.entity)
      .createQueryBuilder('setting')
      .where(ownerColumns(owner))
      .orderBy('setting.key', 'ASC');
    if (kind.secret) query.addSelect('setting.valueSealed');
    const rows = await query.getMany();
    if (!kind.secret) return rows.map(({ key, value }) => ({ key, value: value! }));
    return rows.flatMap(({ key, valueSealed }) => {
      const value = this.sealer.open(owner, key, valueSealed!);
      if (value !== undefined) return [{ key, value }];
      this.logger.error(
        `The secret ${key} of ${owner.deviceSid ?? `tenant ${owner.tenantId}`} does not open ` +
          'under SECRETS_ENCRYPTION_KEY (sealed under another key): set it again',
      );
      return [];
    });
  }
}

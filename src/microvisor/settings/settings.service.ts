import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { isConstraintViolation } from '../../database/constraint-violation';
import { keysetPage } from '../../twilio/keyset-page';
import type { Page, PageRequest } from '../../twilio/paging';
import { resourceAddress } from '../../twilio/sid';
import { TwilioError } from '../../twilio/twilio-error';
import { DEVICE_SID_PREFIX } from '../devices.service';
import { MAX_UNIQUE_NAME_LENGTH } from '../dto/microvisor.params';
import { MicrovisorDeviceEntity } from '../entities/device.entity';
import { isSettingKey } from './dto/setting.params';
import { SecretSealer } from './secret-sealer';
import {
  ownerColumns,
  settingNoun,
  type SettingKind,
  type SettingOwner,
  type SettingRow,
} from './setting-kinds';

/** What a request addresses: a kind of setting of the account, or of a device it names. */
export interface SettingsAddress {
  kind: SettingKind;
  tenantId: string;
  /** The device's SID or unique name, as the path gives it; absent for the account's. */
  device?: string;
}

/** The resource as the request addressed it (`/Devices/my-device/Configs/first`), for a 404. */
function requestedPath({ kind, device }: SettingsAddress, key?: string): string {
  const owner = device === undefined ? '' : `/Devices/${device}`;
  return `${owner}/${kind.collection}${key === undefined ? '' : `/${key}`}`;
}

/**
 * The configs and secrets of a tenant and of its devices, through the API: one implementation
 * for the four tables (`SettingKind`). Every query has the tenant: another tenant's device, config
 * or secret does not exist here. A secret's value is sealed before it is stored and never read
 * back here (see `DeviceSettingsService`).
 */
@Injectable()
export class SettingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(MicrovisorDeviceEntity)
    private readonly devices: Repository<MicrovisorDeviceEntity>,
    private readonly sealer: SecretSealer,
  ) {}

  async create(address: SettingsAddress, key: string, value: string): Promise<SettingRow> {
    const { kind } = address;
    const owner = await this.ownerOf(address);
    const rows = this.rows(kind);
    const row = rows.create({
      ...ownerColumns(owner),
      key,
      ...this.valueColumns(kind, owner, key, value),
    });
    const table = rows.metadata.tableName;
    try {
      // insert: the times the database gives the row come back into `row`.
      await rows.insert(row);
      return row;
    } catch (error) {
      if (isConstraintViolation(error, '23505', `${table}_pkey`)) {
        const whose =
          owner.deviceSid === undefined ? 'this account' : `the device ${owner.deviceSid}`;
        throw new TwilioError(
          409,
          20409,
          `A ${settingNoun(kind)} with the key ${key} already exists for ${whose}: update it instead`,
        );
      }
      // The device was deleted since it was found.
      if (isConstraintViolation(error, '23503', `${table}_device_sid_fkey`)) {
        throw TwilioError.notFound(requestedPath(address));
      }
      throw error;
    }
  }

  /** A page of the owner's settings of the kind, in key order (byte order). */
  async list(
    address: SettingsAddress,
    request: PageRequest,
  ): Promise<{ owner: SettingOwner; page: Page<SettingRow> }> {
    const owner = await this.ownerOf(address);
    const query = this.rows(address.kind)
      .createQueryBuilder('setting')
      .where('setting.tenant_id = :tenantId', { tenantId: owner.tenantId });
    if (owner.deviceSid !== undefined) {
      query.andWhere('setting.device_sid = :deviceSid', { deviceSid: owner.deviceSid });
    }
    const page = await keysetPage(
      query,
      [{ column: 'setting.key', type: 'varchar(100)', valid: isSettingKey }],
      request,
    );
    return { owner, page };
  }

  /** The owner's setting of this key; 20404 when there is none. */
  async fetch(address: SettingsAddress, key: string): Promise<SettingRow> {
    const owner = await this.ownerOf(address, key);
    const row = isSettingKey(key)
      ? await this.rows(address.kind).findOneBy({ ...ownerColumns(owner), key })
      : null;
    if (!row) throw TwilioError.notFound(requestedPath(address, key));
    return row;
  }

  /** Sets a new value: a config's `date_updated`, a secret's `date_rotated` move to now. */
  async update(address: SettingsAddress, key: string, value: string): Promise<SettingRow> {
    const { kind } = address;
    const owner = await this.ownerOf(address, key);
    if (isSettingKey(key)) {
      const changes = this.valueColumns(kind, owner, key, value);
      // A config's updated_at is set by TypeORM (its UpdateDateColumn); a secret's rotation here.
      const { affected } = await this.rows(kind).update(
        { ...ownerColumns(owner), key },
        kind.secret ? { ...changes, rotatedAt: () => 'now()' } : changes,
      );
      if (affected) return this.fetch(address, key);
    }
    throw TwilioError.notFound(requestedPath(address, key));
  }

  async remove(address: SettingsAddress, key: string): Promise<void> {
    const owner = await this.ownerOf(address, key);
    const deleted =
      isSettingKey(key) &&
      (await this.rows(address.kind).delete({ ...ownerColumns(owner), key })).affected;
    if (!deleted) throw TwilioError.notFound(requestedPath(address, key));
  }

  private rows(kind: SettingKind): Repository<SettingRow> {
    return this.dataSource.getRepository(kind.entity);
  }

  /** The columns that store `value` as the value of `key`: as it is, or sealed to them. */
  private valueColumns(
    kind: SettingKind,
    owner: SettingOwner,
    key: string,
    value: string,
  ): Pick<SettingRow, 'value' | 'valueSealed'> {
    return kind.secret ? { valueSealed: this.sealer.seal(owner, key, value) } : { value };
  }

  /**
   * Whose settings the request names: the account's, or its device's of this SID or unique name
   * (20404 for the path requested when the account has no such device).
   */
  private async ownerOf(address: SettingsAddress, key?: string): Promise<SettingOwner> {
    const { kind, tenantId, device = '' } = address;
    if (kind.scope === 'account') return { tenantId };
    const where = resourceAddress(DEVICE_SID_PREFIX, device, MAX_UNIQUE_NAME_LENGTH);
    const found =
      where &&
      (await this.devices.findOne({ where: { tenantId, ...where }, select: { sid: true } }));
    if (!found) throw TwilioError.notFound(requestedPath(address, key));
    return { tenantId, deviceSid: found.sid };
  }
}

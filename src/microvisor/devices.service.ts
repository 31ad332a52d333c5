import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository, type EntityManager } from 'typeorm';
import { isConstraintViolation } from '../database/constraint-violation';
import { keysetPage } from '../twilio/keyset-page';
import type { Page, PageRequest } from '../twilio/paging';
import { isSid, resourceAddress } from '../twilio/sid';
import { TwilioError } from '../twilio/twilio-error';
import { AppsService } from './apps.service';
import { MAX_UNIQUE_NAME_LENGTH, type UpdateDeviceParams } from './dto/microvisor.params';
import { MicrovisorDeviceEntity } from './entities/device.entity';

export const DEVICE_SID_PREFIX = 'UV';

/** How long `LoggingEnabled=true` turns logging on for, from the update (Twilio's 24 hours). */
const LOGGING_PERIOD_MS = 24 * 3600 * 1000;

/** A unique name another Device of the tenant has. */
export const DEVICE_NAME_TAKEN = ['23505', 'microvisor_devices_tenant_id_unique_name_key'] as const;
const TARGET_GONE = ['23503', 'microvisor_devices_target_app_sid_fkey'] as const;

/** A Device, and the hash of the App it is targeted at (the `app.target_hash` it shows). */
export interface DeviceView {
  device: MicrovisorDeviceEntity;
  targetHash: string | null;
}

const noSuchApp = (sidOrName: string) =>
  TwilioError.invalidParameter(
    'TargetApp',
    `no App of this account has the SID or unique name "${sidOrName}"`,
  );

/**
 * A tenant's Devices as the operator sees and steers them. Every query has the tenant: another
 * tenant's Device does not exist here. An update locks the Device's row, as a check-in does, so
 * that neither overwrites what the other has just decided.
 */
@Injectable()
export class DevicesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(MicrovisorDeviceEntity)
    private readonly devices: Repository<MicrovisorDeviceEntity>,
    private readonly apps: AppsService,
  ) {}

  /** A page of the tenant's Devices, in order of registration. */
  async list(tenantId: string, request: PageRequest): Promise<Page<DeviceView>> {
    const query = this.devices
      .createQueryBuilder('device')
      .where('device.tenant_id = :tenantId', { tenantId });
    const page = await keysetPage(
      query,
      [
        { column: 'device.created_at', type: 'timestamptz' },
        { column: 'device.sid', type: 'char(34)', valid: (sid) => isSid(DEVICE_SID_PREFIX, sid) },
      ],
      request,
    );
    const hashes = await this.apps.hashesOf(page.rows.map((device) => device.targetAppSid));
    return { ...page, rows: page.rows.map((device) => this.view(device, hashes)) };
  }

  /** The tenant's Device of this SID or unique name; 20404 naming `/Devices/<it>` otherwise. */
  async fetch(tenantId: string, sidOrName: string): Promise<DeviceView> {
    const device = await this.find(this.dataSource.manager, tenantId, sidOrName, false);
    return this.view(device, await this.apps.hashesOf([device.targetAppSid]));
  }

  /**
   * Applies UpdateDevice's parameters: a unique name (409 when another Device has it), a target
   * App (pending until the Device reports it), logging for 24 hours from now or off, a restart
   * (pending until a check-in collects it). Without parameters, the Device as it is.
   */
  async update(
    tenantId: string,
    sidOrName: string,
    params: UpdateDeviceParams,
  ): Promise<DeviceView> {
    const now = new Date();
    try {
      const device = await this.dataSource.transaction(async (manager) => {
        const locked = await this.find(manager, tenantId, sidOrName, true);
        if (params.UniqueName !== undefined) locked.uniqueName = params.UniqueName;
        if (params.TargetApp !== undefined) {
          const app = await this.apps.find(tenantId, params.TargetApp);
          if (!app) throw noSuchApp(params.TargetApp);
          locked.targetAppSid = app.sid;
          locked.targetedAt = now;
          locked.updateStatus = 'pending';
          locked.updateErrorCode = 0;
        }
        if (params.LoggingEnabled !== undefined) {
          locked.loggingExpiresAt = params.LoggingEnabled
            ? new Date(now.getTime() + LOGGING_PERIOD_MS)
            : null;
        }
        if (params.RestartApp === true) {
          locked.restartRequestedAt = now;
          locked.updateStatus = 'pending';
        }
        return manager.save(locked);
      });
      return this.view(device, await this.apps.hashesOf([device.targetAppSid]));
    } catch (error) {
      if (isConstraintViolation(error, ...DEVICE_NAME_TAKEN)) {
        throw TwilioError.conflict(
          `"${params.UniqueName}" is the unique name of another Device of this account`,
        );
      }
      // The App was deleted between finding it and targeting it.
      if (isConstraintViolation(error, ...TARGET_GONE)) throw noSuchApp(params.TargetApp!);
      throw error;
    }
  }

  private async find(
    manager: EntityManager,
    tenantId: string,
    sidOrName: string,
    lock: boolean,
  ): Promise<MicrovisorDeviceEntity> {
    const address = resourceAddress(DEVICE_SID_PREFIX, sidOrName, MAX_UNIQUE_NAME_LENGTH);
    const device =
      address &&
      (await manager.findOne(MicrovisorDeviceEntity, {
        where: { tenantId, ...address },
        ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
      }));
    if (!device) throw TwilioError.notFound(`/Devices/${sidOrName}`);
    return device;
  }

  private view(device: MicrovisorDeviceEntity, hashes: Map<string, string>): DeviceView {
    return {
      device,
      targetHash: device.targetAppSid ? (hashes.get(device.targetAppSid) ?? null) : null,
    };
  }
}

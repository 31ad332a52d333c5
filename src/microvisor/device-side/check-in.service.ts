import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { deviceCredentialHash } from '../device-credential';
import { MicrovisorAppEntity } from '../entities/app.entity';
import { MicrovisorDeviceEntity } from '../entities/device.entity';
import {
  DeviceSettingsService,
  type CheckedInDevice,
  type DeviceSettings,
} from '../settings/device-settings.service';
import { updateStatusAfter, type AppReport } from './update-status';

/** What a Device is to be once it has checked in. */
export interface DesiredState {
  /** The Device as its report left it. */
  device: MicrovisorDeviceEntity;
  target: Pick<MicrovisorAppEntity, 'sid' | 'hash'> | null;
  /** A restart asked for since the last check-in: told this once. */
  restart: boolean;
  settings: DeviceSettings;
}

/**
 * The Devices' side of Microvisor: who a credential is, what a check-in's report changes and
 * what the Device is told, and the one bundle it may download.
 */
@Injectable()
export class CheckInService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(MicrovisorDeviceEntity)
    private readonly devices: Repository<MicrovisorDeviceEntity>,
    @InjectRepository(MicrovisorAppEntity)
    private readonly apps: Repository<MicrovisorAppEntity>,
    private readonly settings: DeviceSettingsService,
  ) {}

  /** The Device whose credential this is, if any (looked up by its SHA-256, never stored else). */
  async authenticate(credential: string): Promise<MicrovisorDeviceEntity | undefined> {
    const device = await this.devices.findOneBy({
      credentialHash: deviceCredentialHash(credential),
    });
    return device ?? undefined;
  }

  /**
   * Records the report (the App it runs, or its failure), collects a pending restart, and
   * answers what the Device is to be. The row is locked meanwhile, as UpdateDevice locks it, so
   * that a target set during the check-in is never overwritten by it.
   */
  async checkIn(checkedIn: CheckedInDevice, report: AppReport): Promise<DesiredState> {
    const now = new Date();
    const { device, restart } = await this.dataSource.transaction(async (manager) => {
      const locked = await manager.findOneOrFail(MicrovisorDeviceEntity, {
        where: { sid: checkedIn.sid },
        lock: { mode: 'pessimistic_write' },
      });
      const restartAsked = locked.restartRequestedAt !== null;
      locked.restartRequestedAt = null;
      locked.reportedAppSid = report.reportedAppSid;
      locked.reportedAt = now;
      locked.updateErrorCode = report.updateErrorCode;
      locked.updateStatus = updateStatusAfter(locked.targetAppSid, report);
      locked.lastCheckInAt = now;
      return { device: await manager.save(locked), restart: restartAsked };
    });
    const target = device.targetAppSid
      ? await this.apps.findOne({
          select: { sid: true, hash: true },
          where: { sid: device.targetAppSid },
        })
      : null;
    return { device, target, restart, settings: await this.settings.forDevice(device) };
  }

  /** The bundle of `appSid` if it is the App the Device is targeted at now; else undefined. */
  async bundle(device: CheckedInDevice, appSid: string): Promise<Buffer | undefined> {
    const app = await this.apps
      .createQueryBuilder('app')
      .addSelect('app.bundle')
      .innerJoin(MicrovisorDeviceEntity, 'device', 'device.target_app_sid = app.sid')
      .where('device.sid = :deviceSid', { deviceSid: device.sid })
      .andWhere('app.sid = :appSid', { appSid })
      .getOne();
    return app?.bundle;
  }
}

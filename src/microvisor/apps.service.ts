import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { isConstraintViolation } from '../database/constraint-violation';
import { keysetPage } from '../twilio/keyset-page';
import type { Page, PageRequest } from '../twilio/paging';
import { isSid, newSid, resourceAddress } from '../twilio/sid';
import { TwilioError } from '../twilio/twilio-error';
import { InvalidBundle, digestBundle, type BundleBounds } from './app-bundle';
import { MAX_UNIQUE_NAME_LENGTH } from './dto/microvisor.params';
import { MicrovisorAppEntity } from './entities/app.entity';
import { MicrovisorDeviceEntity } from './entities/device.entity';

export const APP_SID_PREFIX = 'KA';

/** The most entries a zip holds without its Zip64 extension: more is no firmware bundle. */
const MAX_BUNDLE_ENTRIES = 65_535;

/** How many times its own size a bundle may unpack to (its manifest hashes every file). */
const MAX_UNPACK_RATIO = 16;

const UNIQUE_NAME_TAKEN = ['23505', 'microvisor_apps_tenant_id_unique_name_key'] as const;
const TARGETED_BY_DEVICES = ['23503', 'microvisor_devices_target_app_sid_fkey'] as const;

/**
 * A tenant's Apps: uploaded bundles, kept in PostgreSQL with their hash and manifest. Every query
 * has the tenant: another tenant's App does not exist here.
 */
@Injectable()
export class AppsService {
  private readonly bounds: BundleBounds;

  constructor(
    @InjectRepository(MicrovisorAppEntity) private readonly apps: Repository<MicrovisorAppEntity>,
    @InjectRepository(MicrovisorDeviceEntity)
    private readonly devices: Repository<MicrovisorDeviceEntity>,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.bounds = {
      maxEntries: MAX_BUNDLE_ENTRIES,
      maxUnpackedBytes: config.microvisor.bundleMaxBytes * MAX_UNPACK_RATIO,
    };
  }

  /** A new App of `bundle`; 400 for a bundle that is not a valid zip, 409 for a taken name. */
  async upload(
    tenantId: string,
    bundle: Buffer,
    uniqueName: string | undefined,
  ): Promise<MicrovisorAppEntity> {
    let digest;
    try {
      digest = await digestBundle(bundle, this.bounds);
    } catch (error) {
      if (error instanceof InvalidBundle) throw TwilioError.invalidParameter('File', error.message);
      throw error;
    }
    const app = this.apps.create({
      sid: newSid(APP_SID_PREFIX),
      tenantId,
      uniqueName: uniqueName ?? null,
      hash: digest.hash,
      bundle,
      manifest: digest.manifest,
    });
    try {
      // insert: the dates the database gives it come back into `app`.
      await this.apps.insert(app);
      return app;
    } catch (error) {
      if (isConstraintViolation(error, ...UNIQUE_NAME_TAKEN)) {
        throw TwilioError.conflict(
          `"${uniqueName}" is the unique name of another App of this account`,
        );
      }
      throw error;
    }
  }

  /** A page of the tenant's Apps, in order of upload. */
  list(tenantId: string, request: PageRequest): Promise<Page<MicrovisorAppEntity>> {
    const query = this.apps
      .createQueryBuilder('app')
      .where('app.tenant_id = :tenantId', { tenantId });
    return keysetPage(
      query,
      [
        { column: 'app.created_at', type: 'timestamptz' },
        { column: 'app.sid', type: 'char(34)', valid: (sid) => isSid(APP_SID_PREFIX, sid) },
      ],
      request,
    );
  }

  /** The tenant's App of this SID or unique name, if it has one. */
  async find(tenantId: string, sidOrName: string): Promise<MicrovisorAppEntity | undefined> {
    const address = resourceAddress(APP_SID_PREFIX, sidOrName, MAX_UNIQUE_NAME_LENGTH);
    if (!address) return undefined;
    return (await this.apps.findOneBy({ tenantId, ...address })) ?? undefined;
  }

  /** The tenant's App of this SID or unique name; 20404 naming `/Apps/<it>` when it has none. */
  async fetch(tenantId: string, sidOrName: string): Promise<MicrovisorAppEntity> {
    const app = await this.find(tenantId, sidOrName);
    if (!app) throw TwilioError.notFound(`/Apps/${sidOrName}`);
    return app;
  }

  /** The hashes of these Apps (a Device's target is its tenant's: no tenant filter needed). */
  async hashesOf(sids: (string | null)[]): Promise<Map<string, string>> {
    const wanted = [...new Set(sids.filter((sid): sid is string => sid !== null))];
    if (wanted.length === 0) return new Map();
    const apps = await this.apps.find({
      select: { sid: true, hash: true },
      where: { sid: In(wanted) },
    });
    return new Map(apps.map((app) => [app.sid, app.hash]));
  }

  /** Deletes an App no Device is targeted at; one that Devices run towards is a 409. */
  async remove(tenantId: string, sidOrName: string): Promise<void> {
    const app = await this.fetch(tenantId, sidOrName);
    try {
      await this.apps.delete({ tenantId, sid: app.sid });
    } catch (error) {
      // The foreign key decides, not a count beforehand: a Device targeted meanwhile is seen too.
      if (!isConstraintViolation(error, ...TARGETED_BY_DEVICES)) throw error;
      const count = await this.devices.countBy({ targetAppSid: app.sid });
      throw TwilioError.conflict(
        `the App ${app.sid} is the target of ${count} Device${count === 1 ? '' : 's'}: ` +
          'target them at another App before deleting it',
      );
    }
  }
}

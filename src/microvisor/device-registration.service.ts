import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { requireTenant } from '../auth/require-tenant';
import { ApiError } from '../common/errors/api-error';
import { isConstraintViolation } from '../database/constraint-violation';
import { readParams } from '../twilio/form-params';
import { newSid } from '../twilio/sid';
import { TwilioError } from '../twilio/twilio-error';
import { deviceCredentialHash, newDeviceCredential } from './device-credential';
import { DEVICE_NAME_TAKEN, DEVICE_SID_PREFIX } from './devices.service';
import { RegisterDeviceParams } from './dto/microvisor.params';
import { MicrovisorDeviceEntity } from './entities/device.entity';

/** A Device just registered, with the credential it checks in with: shown this once. */
export interface RegisteredDevice {
  sid: string;
  credential: string;
}

/**
 * Registers Microvisor Devices (`device:register`): Twilio's came from the factory, FleetHub's
 * from an operator. Each gets a credential of its own, stored as its SHA-256 only.
 */
@Injectable()
export class DeviceRegistrationService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async register(tenantSlug: string, uniqueName?: string): Promise<RegisteredDevice> {
    const tenant = await requireTenant(this.dataSource.manager, tenantSlug);
    const name = validUniqueName(uniqueName);
    const credential = newDeviceCredential();
    const sid = newSid(DEVICE_SID_PREFIX);
    try {
      await this.dataSource.manager.insert(MicrovisorDeviceEntity, {
        sid,
        tenantId: tenant.id,
        uniqueName: name ?? null,
        credentialHash: deviceCredentialHash(credential),
      });
    } catch (error) {
      if (isConstraintViolation(error, ...DEVICE_NAME_TAKEN)) {
        throw new ApiError(
          'BAD_REQUEST',
          `Another device of "${tenantSlug}" has the unique name "${name}"`,
        );
      }
      throw error;
    }
    return { sid, credential };
  }
}

/** The unique name by the API's own rules (UpdateDevice's `UniqueName`), or why not. */
function validUniqueName(uniqueName: string | undefined): string | undefined {
  if (uniqueName === undefined) return undefined;
  try {
    return readParams(RegisterDeviceParams, { UniqueName: uniqueName }).UniqueName;
  } catch (error) {
    if (error instanceof TwilioError) throw new ApiError('BAD_REQUEST', error.message);
    throw error;
  }
}

import {
  Injectable,
  createParamDecorator,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { Request } from 'express';
import { FailedAuthLimiter } from '../../auth/failed-auth.limiter';
import { ApiError } from '../../common/errors/api-error';
import { TwilioError } from '../../twilio/twilio-error';
import type { CheckedInDevice } from '../settings/device-settings.service';
import { CheckInService } from './check-in.service';

/** What a Device is told to authenticate with. */
const DEVICE_CHALLENGE = 'Bearer realm="FleetHub Microvisor devices"';

type DeviceRequest = Request & { microvisorDevice?: CheckedInDevice };

/** The credential of an `Authorization: Bearer <credential>` header, if the header is one. */
function bearerCredential(header: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * A Device's own credential (from `device:register`), as `Authorization: Bearer <credential>`.
 * Missing or wrong: 401 (20003) with a Bearer challenge. Failures count against the client
 * address like every other credential's (FailedAuthLimiter); a Device's requests spend no
 * tenant's request limit (it authenticates as a Device, not as its tenant).
 */
@Injectable()
export class DeviceCredentialGuard implements CanActivate {
  constructor(
    private readonly checkIns: CheckInService,
    private readonly failures: FailedAuthLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<DeviceRequest>();
    try {
      const device = await this.failures.guard(request, () => this.authenticate(request));
      request.microvisorDevice = { sid: device.sid, tenantId: device.tenantId };
    } catch (error) {
      if (error instanceof ApiError && error.code === 'UNAUTHORIZED') {
        throw new TwilioError(401, 20003, error.message, { 'WWW-Authenticate': DEVICE_CHALLENGE });
      }
      throw error;
    }
    return true;
  }

  private async authenticate(request: Request) {
    const credential = bearerCredential(request.headers.authorization);
    if (!credential) {
      throw new ApiError(
        'UNAUTHORIZED',
        'Authentication Error - No device credential provided (Authorization: Bearer <credential>)',
      );
    }
    const device = await this.checkIns.authenticate(credential);
    if (!device) {
      throw new ApiError(
        'UNAUTHORIZED',
        'Authentication Error - The device credential is incorrect',
      );
    }
    return device;
  }
}

/** The Device `DeviceCredentialGuard` authenticated. */
export const CurrentDevice = createParamDecorator(
  (_data: unknown, context: ExecutionContext): CheckedInDevice => {
    const device = context.switchToHttp().getRequest<DeviceRequest>().microvisorDevice;
    if (!device) throw new Error('The route is missing DeviceCredentialGuard');
    return device;
  },
);

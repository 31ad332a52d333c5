import { Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard, type IAuthModuleOptions } from '@nestjs/passport';
import { ApiError } from '../../common/errors/api-error';
import { NORTHBOUND_REALM, TWILIO_REALM } from '../strategies/basic.strategies';

/** One message whichever part of a credential failed, so a caller learns nothing from it. */
export const INVALID_CREDENTIALS = 'Invalid or expired credentials';

export function invalidCredentials(headers: Record<string, string> = {}): ApiError {
  return new ApiError('UNAUTHORIZED', INVALID_CREDENTIALS, undefined, headers);
}

/**
 * A passport guard that stores its result under its own request property (so several can run on
 * one request) and turns every credential found wrong into the same 401. A strategy's error is a
 * credential that could not be checked (e.g. `credentialsUncheckable`): it goes out as it is, for
 * a 401 would tell a tracker to give up on data it should resend.
 */
function passportGuard(strategy: string, property: string, challenge?: string) {
  @Injectable()
  class PassportGuard extends AuthGuard(strategy) {
    override getAuthenticateOptions(): IAuthModuleOptions {
      return { session: false, property };
    }

    override handleRequest<T>(error: Error | null, user: T | false | null): T {
      if (error) throw error;
      if (!user) throw invalidCredentials(challenge ? { 'WWW-Authenticate': challenge } : {});
      return user;
    }

    override canActivate(context: ExecutionContext) {
      return super.canActivate(context) as Promise<boolean>;
    }
  }
  return PassportGuard;
}

export const JwtGuard = passportGuard('jwt', 'jwtUser');
export const ApiKeyPassportGuard = passportGuard('api-key', 'apiKey');
export const NorthboundAuthGuard = passportGuard(
  'northbound-basic',
  'tenantPrincipal',
  `Basic realm="${NORTHBOUND_REALM}"`,
);
export const TwilioBasicGuard = passportGuard(
  'twilio-basic',
  'tenantPrincipal',
  `Basic realm="${TWILIO_REALM}"`,
);

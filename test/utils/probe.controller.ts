import { Controller, Get } from '@nestjs/common';
import {
  ApiAuth,
  CurrentPrincipal,
  CurrentTenant,
  NorthboundAuth,
  TwilioAuth,
} from '../../src/auth/decorators';
import type { ApiPrincipal, TenantPrincipal } from '../../src/auth/principal';
import { ok, type ApiResponse } from '../../src/common/http/envelope';

export const PROBE_PATH = '/apidev/v1/test-protected';

/** What the probe's 500 route throws: its message must never reach the caller. */
export const PROBE_SECRET_ERROR = 'secret SQL detail';

/**
 * Test-only routes behind each of the auth models (no production route uses some of them yet),
 * plus one that fails unexpectedly. Mount with `createTestApp({ extraControllers: [ProbeController] })`.
 */
@Controller(PROBE_PATH.slice(1))
export class ProbeController {
  @Get()
  @ApiAuth()
  principal(@CurrentPrincipal() principal: ApiPrincipal): ApiResponse<ApiPrincipal> {
    return ok(principal);
  }

  @Get('northbound')
  @NorthboundAuth()
  northbound(@CurrentTenant() tenant: TenantPrincipal): ApiResponse<TenantPrincipal> {
    return ok(tenant);
  }

  @Get('twilio')
  @TwilioAuth()
  twilio(@CurrentTenant() tenant: TenantPrincipal): ApiResponse<TenantPrincipal> {
    return ok(tenant);
  }

  @Get('boom')
  boom(): never {
    throw new Error(PROBE_SECRET_ERROR);
  }
}

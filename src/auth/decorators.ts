import {
  UseGuards,
  applyDecorators,
  createParamDecorator,
  type CanActivate,
  type ExecutionContext,
  type Type,
} from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiAuthGuard, ApiKeyGuard } from './guards/api-auth.guard';
import { NorthboundAuthGuard, TwilioAuthGuard } from './guards/passport.guards';
import { RolesGuard } from './guards/roles.guard';
import type { ApiKeyPrincipal, ApiPrincipal, TenantPrincipal } from './principal';

/**
 * JWT + API key + tenant header (the `/apidev/v1` dual-auth model), documented in OpenAPI. The
 * user's role must be one the route admits (`Roles`; without it, admin only): 403 otherwise.
 * `then`: guards that need the authenticated principal (e.g. a rate limit keyed on the user),
 * run in this order once authentication has passed. Listed here, in the same `UseGuards`, so the
 * order never depends on how decorators are stacked.
 */
export const ApiAuth = (...then: Type<CanActivate>[]) =>
  applyDecorators(
    UseGuards(ApiAuthGuard, RolesGuard, ...then),
    ApiBearerAuth('jwt'),
    ApiSecurity('api-key'),
    ApiSecurity('tenant'),
  );

/** API key + tenant header only (token issue). */
export const ApiKeyAuth = () =>
  applyDecorators(UseGuards(ApiKeyGuard), ApiSecurity('api-key'), ApiSecurity('tenant'));

export const NorthboundAuth = () =>
  applyDecorators(UseGuards(NorthboundAuthGuard), ApiBasicAuth('northbound'));

export const TwilioAuth = () => applyDecorators(UseGuards(TwilioAuthGuard), ApiBasicAuth('twilio'));

function requestProperty<T>(read: (request: Request) => T | undefined) {
  return createParamDecorator((_data: unknown, context: ExecutionContext): T => {
    const value = read(context.switchToHttp().getRequest<Request>());
    if (value === undefined)
      throw new Error('The route is missing the guard that sets this principal');
    return value;
  });
}

export const CurrentPrincipal = requestProperty<ApiPrincipal>((request) => request.principal);
export const CurrentApiKey = requestProperty<ApiKeyPrincipal>((request) => request.apiKeyPrincipal);
export const CurrentTenant = requestProperty<TenantPrincipal>((request) => request.tenantPrincipal);

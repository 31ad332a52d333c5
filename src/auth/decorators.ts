import {
  UseGuards,
  UseInterceptors,
  applyDecorators,
  createParamDecorator,
  type CanActivate,
  type ExecutionContext,
  type Type,
} from '@nestjs/common';
import { ApiBasicAuth, ApiSecurity } from '@nestjs/swagger';
import type { Request } from 'express';
import { JsonBodyGuard } from '../common/http/json-body.guard';
import { ApiAuthGuard, ApiKeyGuard } from './guards/api-auth.guard';
import { NorthboundAuthGuard } from './guards/passport.guards';
import { TwilioAuthGuard } from './guards/twilio-auth.guard';
import { RolesGuard } from './guards/roles.guard';
import type { ApiKeyPrincipal, ApiPrincipal, TenantPrincipal } from './principal';
import { TenantRequestLimit } from './tenant-request.limit';

/**
 * OpenAPI requirements: the schemes of one object must all be presented together (separate
 * objects would be alternatives, any one of them enough). Named in `openApiDocument`.
 */
const DUAL_AUTH_SECURITY = { jwt: [], 'api-key': [], tenant: [] };
const API_KEY_SECURITY = { 'api-key': [], tenant: [] };

/**
 * JWT + API key + tenant header (the `/apidev/v1` dual-auth model), documented in OpenAPI.
 * Authentication comes first; then the user's role must be one the route admits (`Roles`;
 * without it, admin only: 403 otherwise); then the body is read (`JsonBodyGuard`: never before);
 * then `then`: guards that need the authenticated principal and the body, in this order. Listed
 * here, in the same `UseGuards`, so the order never depends on how decorators are stacked.
 */
const dualAuth = (then: Type<CanActivate>[]) =>
  applyDecorators(
    UseGuards(ApiAuthGuard, RolesGuard, JsonBodyGuard, ...then),
    ApiSecurity(DUAL_AUTH_SECURITY),
  );

/**
 * The dual authentication (`dualAuth`, `then` after it), and the tenant's plain request limit
 * (`TenantRequestLimit`), which each request spends once every guard has let it through.
 */
export const ApiAuth = (...then: Type<CanActivate>[]) =>
  applyDecorators(dualAuth(then), UseInterceptors(TenantRequestLimit));

/**
 * The dual authentication, then `limiter`: a limit of the route's own (keyed on the principal and
 * costed by the body, e.g. the telemetry token buckets) instead of the tenant's plain request limit.
 */
export const ApiAuthLimitedBy = (limiter: Type<CanActivate>) => dualAuth([limiter]);

/**
 * API key + tenant header only (token issue); the body is read once they are verified. Spends the
 * tenant's plain request limit.
 */
export const ApiKeyAuth = () =>
  applyDecorators(
    UseGuards(ApiKeyGuard, JsonBodyGuard),
    UseInterceptors(TenantRequestLimit),
    ApiSecurity(API_KEY_SECURITY),
  );

/**
 * The Asset Trackers' HTTP Basic credentials; the body is read once they are verified. No request
 * limit: a tracker never resends a refused message, a limit would only lose data.
 */
export const NorthboundAuth = () =>
  applyDecorators(UseGuards(NorthboundAuthGuard, JsonBodyGuard), ApiBasicAuth('northbound'));

/**
 * The Twilio-compatible APIs' HTTP Basic credentials (Account SID and auth token); then `then`
 * (the body guard of their format), in this order. Spends the tenant's plain request limit.
 */
export const TwilioAuth = (...then: Type<CanActivate>[]) =>
  applyDecorators(
    UseGuards(TwilioAuthGuard, ...then),
    UseInterceptors(TenantRequestLimit),
    ApiBasicAuth('twilio'),
  );

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

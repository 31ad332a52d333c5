import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '../../common/errors/api-error';
import { CredentialVerifier } from '../credential-verifier.service';
import { FailedAuthLimiter } from '../failed-auth.limiter';
import type { ApiKeyPrincipal, TokenUser, VerifiedApiKey } from '../principal';
import { sha256 } from '../secrets';
import { ApiKeyPassportGuard, JwtGuard, invalidCredentials } from './passport.guards';

type RequestWithCredentials = Request & { jwtUser?: TokenUser; apiKey?: VerifiedApiKey };

const DUAL_AUTH_HEADERS = ['Authorization', 'X-API-Key', 'tenant'];

const hasHeaders = (request: Request, names: string[]) =>
  names.every((name) => request.header(name)?.trim());

function requireHeaders(request: Request, names: string[]): void {
  const missing = names.filter((name) => !request.header(name)?.trim());
  if (missing.length > 0) {
    throw new ApiError('BAD_REQUEST', `Missing required header(s): ${missing.join(', ')}`);
  }
}

/** One digest of the three headers, so that no credential is kept in memory as it came. */
const credentialsDigest = (request: Request) =>
  sha256(DUAL_AUTH_HEADERS.map((name) => request.header(name)).join('\n')).toString('base64');

/**
 * The dual-auth model of `/apidev/v1`: `Authorization: Bearer <jwt>`, `X-API-Key` and `tenant`,
 * all three belonging to the same tenant. A missing header is 400; anything wrong with a present
 * credential is one indistinct 401; a credential that could not be checked is 503. Failures
 * count against the client address (FailedAuthLimiter).
 */
@Injectable()
export class ApiAuthGuard implements CanActivate {
  private readonly jwtGuard = new JwtGuard();
  private readonly apiKeyGuard = new ApiKeyPassportGuard();

  constructor(
    private readonly verifier: CredentialVerifier,
    private readonly failures: FailedAuthLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithCredentials>();
    // Credentials proven moments ago pass at once, wherever they come from.
    const credentials = hasHeaders(request, DUAL_AUTH_HEADERS) && credentialsDigest(request);
    request.principal = credentials ? this.verifier.knownPrincipal(credentials) : undefined;
    if (request.principal) return true;
    await this.failures.guard(request, () => this.authenticate(context, request));
    return true;
  }

  private async authenticate(
    context: ExecutionContext,
    request: RequestWithCredentials,
  ): Promise<void> {
    requireHeaders(request, DUAL_AUTH_HEADERS);
    await this.jwtGuard.canActivate(context);
    const tenant = await authenticateApiKey(this.verifier, this.apiKeyGuard, context);
    const user = request.jwtUser;
    if (!user || user.tenantId !== tenant.tenantId) throw invalidCredentials();
    request.principal = { ...tenant, userId: user.id, role: user.role };
    this.verifier.rememberPrincipal(credentialsDigest(request), request.principal, {
      apiKey: request.header('X-API-Key')!,
      tokenExpiresAt: user.tokenExpiresAt,
    });
  }
}

/** `X-API-Key` and `tenant` only: the token endpoint, where the caller has no JWT yet. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly apiKeyGuard = new ApiKeyPassportGuard();

  constructor(
    private readonly verifier: CredentialVerifier,
    private readonly failures: FailedAuthLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithCredentials>();
    request.apiKeyPrincipal = await this.failures.guard(request, () => {
      requireHeaders(request, ['X-API-Key', 'tenant']);
      return authenticateApiKey(this.verifier, this.apiKeyGuard, context);
    });
    return true;
  }
}

async function authenticateApiKey(
  verifier: CredentialVerifier,
  apiKeyGuard: InstanceType<typeof ApiKeyPassportGuard>,
  context: ExecutionContext,
): Promise<ApiKeyPrincipal> {
  const request = context.switchToHttp().getRequest<RequestWithCredentials>();
  await apiKeyGuard.canActivate(context);
  const tenant = await verifier.findTenantBySlug(request.header('tenant')!.trim());
  const key = request.apiKey;
  if (!tenant || !key || key.tenantId !== tenant.id) throw invalidCredentials();
  return { tenantId: tenant.id, tenantSlug: tenant.slug, apiKeyId: key.id };
}

import type { UserRole } from './entities/user.entity';

/** A tenant proven by one of its API keys and the `tenant` header. */
export interface ApiKeyPrincipal {
  tenantId: string;
  tenantSlug: string;
  apiKeyId: string;
}

/** Who called an `/apidev/v1` route: a user (from the JWT) using one of its tenant's API keys. */
export interface ApiPrincipal extends ApiKeyPrincipal {
  userId: string;
  /** What the user may do (see `ROLE_ABILITIES`). */
  role: UserRole;
}

/** A tenant authenticated by HTTP Basic (an Asset Tracker, or a Twilio-compatible API client). */
export interface TenantPrincipal {
  tenantId: string;
  credentialId: string;
}

export interface JwtClaims {
  sub: string;
  tid: string;
  /** Expiry, seconds since the epoch (set by jsonwebtoken from the token's lifetime). */
  exp?: number;
}

export interface VerifiedApiKey {
  id: string;
  tenantId: string;
}

export interface VerifiedUser {
  id: string;
  tenantId: string;
  role: UserRole;
}

/** A user proven by a token, and when that token stops being valid (epoch ms). */
export interface TokenUser extends VerifiedUser {
  tokenExpiresAt: number;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by `ApiAuthGuard`. */
    principal?: ApiPrincipal;
    /** Set by `ApiKeyGuard`. */
    apiKeyPrincipal?: ApiKeyPrincipal;
    /** Set by the HTTP Basic guards. */
    tenantPrincipal?: TenantPrincipal;
  }
}

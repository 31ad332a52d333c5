import { JwtService } from '@nestjs/jwt';
import type { JwtClaims } from '../../src/auth/principal';
import { TEST_JWT_SECRET } from '../utils/test-app';

export type TokenClaims = JwtClaims & { iat?: number; exp?: number };

/** The claims of a token (no signature check): the user and tenant it speaks for. */
export function claimsOf(token: string): TokenClaims {
  return new JwtService().decode<TokenClaims>(token);
}

/**
 * A token minted outside the app, to forge what it would refuse: another secret, an expiry in the
 * past, claims that do not match. With the defaults it is exactly what the app itself would accept.
 */
export function signToken(claims: Partial<TokenClaims>, secret = TEST_JWT_SECRET): string {
  const now = Math.floor(Date.now() / 1000);
  return new JwtService({ secret }).sign(
    { iat: now, exp: now + 600, ...claims },
    { algorithm: 'HS256' },
  );
}

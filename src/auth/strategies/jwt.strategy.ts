import { Inject, Injectable } from '@nestjs/common';
import { createPublicKey, createSecretKey } from 'node:crypto';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { APP_CONFIG, type ResolvedAppConfig } from '../../config/app-config';
import { CredentialVerifier } from '../credential-verifier.service';
import type { JwtClaims, TokenUser } from '../principal';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Verifies `Authorization: Bearer <jwt>` and that its user still exists and is enabled. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: ResolvedAppConfig,
    private readonly verifier: CredentialVerifier,
  ) {
    const keys = config.auth.jwt;
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject built once: given a string, the verifier re-derives (and first tries to parse
      // it as a public key) on every request, which cost an eighth of the ingestion CPU.
      // (jsonwebtoken takes a KeyObject; passport-jwt's types predate it.)
      secretOrKey: (keys.algorithm === 'HS256'
        ? createSecretKey(Buffer.from(keys.secret))
        : createPublicKey(keys.publicKey)) as unknown as Buffer,
      algorithms: [keys.algorithm],
      ignoreExpiration: false,
    });
  }

  async validate(claims: Partial<JwtClaims>): Promise<TokenUser | null> {
    if (
      typeof claims.sub !== 'string' ||
      !UUID.test(claims.sub) ||
      typeof claims.tid !== 'string' ||
      // jsonwebtoken checks `exp` only when present: a token without one (an external issuer
      // may mint such) would never expire.
      typeof claims.exp !== 'number'
    ) {
      return null;
    }
    const user = await this.verifier.findActiveUser(claims.sub);
    if (user?.tenantId !== claims.tid) return null;
    return { ...user, tokenExpiresAt: claims.exp * 1000 };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiError } from '../common/errors/api-error';
import { APP_CONFIG, type ResolvedAppConfig } from '../config/app-config';
import { CredentialVerifier } from './credential-verifier.service';
import type { TokenDto } from './dto/issue-token.dto';
import { invalidCredentials } from './guards/passport.guards';
import type { ApiKeyPrincipal, JwtClaims } from './principal';

@Injectable()
export class TokenService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: ResolvedAppConfig,
    private readonly jwt: JwtService,
    private readonly verifier: CredentialVerifier,
  ) {}

  /** Exchanges a user's username and password, presented with its tenant's API key, for a JWT. */
  async issue(tenant: ApiKeyPrincipal, username: string, password: string): Promise<TokenDto> {
    const keys = this.config.auth.jwt;
    if (keys.algorithm === 'RS256' && !keys.privateKey) {
      throw new ApiError(
        'NOT_FOUND',
        'This server verifies tokens from an external issuer and does not issue them',
      );
    }
    const user = await this.verifier.verifyUserPassword(tenant.tenantId, username, password);
    if (!user) throw invalidCredentials();
    const claims: JwtClaims = { sub: user.id, tid: tenant.tenantId };
    const expiresIn = this.config.auth.jwtTtlSeconds;
    const accessToken = await this.jwt.signAsync(claims, { expiresIn });
    return { accessToken, tokenType: 'Bearer', expiresIn };
  }
}

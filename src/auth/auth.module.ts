import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type ResolvedAppConfig } from '../config/app-config';
import { ApiKeysService } from './api-keys.service';
import { CredentialVerifier } from './credential-verifier.service';
import { ApiKeyEntity } from './entities/api-key.entity';
import { NorthboundCredentialEntity } from './entities/northbound-credential.entity';
import { TenantEntity } from './entities/tenant.entity';
import { UserEntity } from './entities/user.entity';
import { ApiKeyStrategy } from './strategies/api-key.strategy';
import { NorthboundBasicStrategy, TwilioBasicStrategy } from './strategies/basic.strategies';
import { NorthboundCredentialsService } from './northbound-credentials.service';
import { JwtStrategy } from './strategies/jwt.strategy';
import { TenantAuthTokens } from './tenant-auth-tokens.service';
import { TenantsService } from './tenants.service';
import { TokenService } from './token.service';
import { UsersService } from './users.service';

@Module({
  imports: [
    PassportModule.register({ session: false }),
    TypeOrmModule.forFeature([TenantEntity, UserEntity, ApiKeyEntity, NorthboundCredentialEntity]),
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: ResolvedAppConfig) => {
        const keys = config.auth.jwt;
        return keys.algorithm === 'HS256'
          ? { secret: keys.secret, signOptions: { algorithm: 'HS256' } }
          : {
              privateKey: keys.privateKey,
              publicKey: keys.publicKey,
              signOptions: { algorithm: 'RS256' },
            };
      },
    }),
  ],
  providers: [
    CredentialVerifier,
    TenantAuthTokens,
    TenantsService,
    UsersService,
    ApiKeysService,
    NorthboundCredentialsService,
    TokenService,
    JwtStrategy,
    ApiKeyStrategy,
    NorthboundBasicStrategy,
    TwilioBasicStrategy,
  ],
  // The guards of `decorators.ts` are built where they are used, from these (and from
  // RateLimitModule's FailedAuthLimiter, which needs the request-limit storage).
  exports: [
    CredentialVerifier,
    TenantAuthTokens,
    TenantsService,
    UsersService,
    ApiKeysService,
    NorthboundCredentialsService,
    TokenService,
  ],
})
export class AuthModule {}

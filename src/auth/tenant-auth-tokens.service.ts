import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { APP_CONFIG, type ResolvedAppConfig } from '../config/app-config';
import { TenantEntity } from './entities/tenant.entity';
import { openSecret, sealSecret } from './sealed-secret';
import { sha256 } from './secrets';

/** What a sealed auth token belongs to: it opens only on its own tenant's row. */
const sealContext = (tenantId: string) => `tenant:${tenantId}:auth-token`;

/**
 * A tenant's auth token is stored twice: hashed, to verify the Basic credentials of the
 * Twilio-compatible APIs, and sealed (AES-256-GCM under SECRETS_ENCRYPTION_KEY), because
 * FleetHub signs the tenant's outbound callbacks with the token itself, as Twilio does.
 */
@Injectable()
export class TenantAuthTokens {
  private readonly logger = new Logger(TenantAuthTokens.name);
  private readonly key: Buffer;

  constructor(
    @Inject(APP_CONFIG) config: ResolvedAppConfig,
    @InjectRepository(TenantEntity) private readonly tenants: Repository<TenantEntity>,
  ) {
    this.key = config.secrets.encryptionKey;
  }

  /** The columns that store `token` as a tenant's auth token: whoever sets or changes it writes both. */
  columns(
    tenantId: string,
    token: string,
  ): Pick<TenantEntity, 'authTokenHash' | 'authTokenSealed'> {
    return {
      authTokenHash: sha256(token),
      authTokenSealed: sealSecret(this.key, sealContext(tenantId), token),
    };
  }

  /**
   * Called once `token` has been verified against `tenant`'s hash: seals it when the sealed copy is
   * missing (a tenant created before copies were kept) or does not open to it (SECRETS_ENCRYPTION_KEY
   * changed). Never fails the authentication: a copy not written now is written on the next try.
   */
  async keepSealed(tenant: TenantEntity, token: string): Promise<void> {
    const sealed = tenant.authTokenSealed;
    if (sealed && openSecret(this.key, sealContext(tenant.id), sealed) === token) return;
    try {
      // Only while the hash is still the one just verified: a token changed meanwhile stays sealed.
      await this.tenants.update(
        { id: tenant.id, authTokenHash: tenant.authTokenHash },
        { authTokenSealed: sealSecret(this.key, sealContext(tenant.id), token) },
      );
    } catch (error) {
      this.logger.warn(
        `Could not store the sealed auth token of tenant ${tenant.id}: ${String(error)}`,
      );
    }
  }

  /**
   * A tenant's auth token, to sign its callbacks; undefined when it has no sealed copy yet or the
   * copy does not open under the configured key.
   */
  async authTokenOf(tenantId: string): Promise<string | undefined> {
    const tenant = await this.tenants.findOne({
      where: { id: tenantId },
      select: { id: true, authTokenSealed: true },
    });
    const sealed = tenant?.authTokenSealed;
    return sealed ? openSecret(this.key, sealContext(tenantId), sealed) : undefined;
  }
}

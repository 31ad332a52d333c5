import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { ApiKeyEntity } from './entities/api-key.entity';
import { requireTenant } from './require-tenant';
import { generateApiKey, sha256 } from './secrets';

/** A new API key, shown once, and the `fh_<prefix>` part that names it afterwards. */
export interface NewApiKey {
  key: string;
  prefix: string;
}

/** A tenant's API keys (`apikey:create`, `apikey:revoke`), stored hashed. */
@Injectable()
export class ApiKeysService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async create(tenantSlug: string, label?: string): Promise<NewApiKey> {
    const tenant = await requireTenant(this.dataSource.manager, tenantSlug);
    return this.insert(this.dataSource.manager, tenant.id, label);
  }

  /** Revokes by the key itself or by its `fh_<prefix>` part. Returns false when nothing matched. */
  async revoke(tenantSlug: string, keyOrPrefix: string): Promise<boolean> {
    const tenant = await requireTenant(this.dataSource.manager, tenantSlug);
    const prefix = /^fh_([0-9a-f]{12})/.exec(keyOrPrefix)?.[1] ?? keyOrPrefix;
    const result = await this.dataSource
      .getRepository(ApiKeyEntity)
      .update({ tenantId: tenant.id, prefix, revokedAt: IsNull() }, { revokedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }

  /** Adds a new key, in the caller's transaction. */
  async insert(manager: EntityManager, tenantId: string, label?: string): Promise<NewApiKey> {
    const { key, prefix } = generateApiKey();
    await manager.insert(ApiKeyEntity, {
      tenantId,
      prefix,
      keyHash: sha256(key),
      label: label ?? null,
    });
    return { key, prefix: `fh_${prefix}` };
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { NorthboundCredentialEntity } from './entities/northbound-credential.entity';
import { requireTenant } from './require-tenant';
import { randomSecret, sha256 } from './secrets';

/** A new northbound credential: the Basic username and password a tracker sends, shown once. */
export interface NorthboundCredentials {
  username: string;
  password: string;
}

/** A tenant's credentials for POST /data (`northbound:create`, `northbound:revoke`), hashed. */
@Injectable()
export class NorthboundCredentialsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async create(tenantSlug: string, label?: string): Promise<NorthboundCredentials> {
    const tenant = await requireTenant(this.dataSource.manager, tenantSlug);
    return this.insert(this.dataSource.manager, tenant.id, label);
  }

  async revoke(tenantSlug: string, username: string): Promise<boolean> {
    const tenant = await requireTenant(this.dataSource.manager, tenantSlug);
    const result = await this.dataSource
      .getRepository(NorthboundCredentialEntity)
      .update({ tenantId: tenant.id, username, revokedAt: IsNull() }, { revokedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }

  /** Adds a credential with a random username and password, in the caller's transaction. */
  async insert(
    manager: EntityManager,
    tenantId: string,
    label?: string,
  ): Promise<NorthboundCredentials> {
    const username = `nb_${randomBytes(8).toString('hex')}`;
    const password = randomSecret(24);
    await manager.insert(NorthboundCredentialEntity, {
      tenantId,
      username,
      passwordHash: sha256(password),
      label: label ?? null,
    });
    return { username, password };
  }
}

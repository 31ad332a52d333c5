import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { ApiError } from '../common/errors/api-error';
import { ApiKeyEntity } from './entities/api-key.entity';
import { NorthboundCredentialEntity } from './entities/northbound-credential.entity';
import { TenantEntity } from './entities/tenant.entity';
import { DEFAULT_USER_ROLE, UserEntity, type UserRole } from './entities/user.entity';
import {
  generateAccountSid,
  generateApiKey,
  generateAuthToken,
  hashPassword,
  randomSecret,
  sha256,
} from './secrets';
import { requireTenant } from './require-tenant';
import { randomBytes } from 'node:crypto';

/**
 * What `tenant:create --json` prints. These names are a contract: operators' scripts and the
 * tests read them.
 */
export interface TenantCredentials {
  tenant: string;
  username: string;
  password: string;
  apiKey: string;
  northbound: { username: string; password: string };
  accountSid: string;
  authToken: string;
}

export interface TenantSummary {
  slug: string;
  name: string;
  accountSid: string;
  createdAt: string;
}

const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

/** Creates tenants and mints, lists and revokes their credentials. Secrets leave here exactly once. */
@Injectable()
export class TenantsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async createTenant(input: { name: string; slug?: string }): Promise<TenantCredentials> {
    const name = input.name.trim();
    const slug = input.slug ?? slugify(name);
    if (!name) throw new ApiError('VALIDATION_ERROR', 'A tenant needs a name');
    if (!SLUG_PATTERN.test(slug)) {
      throw new ApiError(
        'VALIDATION_ERROR',
        `Tenant slug "${slug}" must be 1-63 lowercase letters, digits or inner hyphens`,
      );
    }
    return this.dataSource.transaction(async (manager) => {
      if (await manager.existsBy(TenantEntity, { slug })) {
        throw new ApiError('VALIDATION_ERROR', `A tenant with slug "${slug}" already exists`);
      }
      const authToken = generateAuthToken();
      const tenant = await manager.save(
        manager.create(TenantEntity, {
          slug,
          name,
          accountSid: generateAccountSid(),
          authTokenHash: sha256(authToken),
        }),
      );
      const user = await this.insertUser(manager, tenant.id, 'admin', 'admin');
      const apiKey = await this.insertApiKey(manager, tenant.id, 'default');
      const northbound = await this.insertNorthboundCredential(manager, tenant.id, 'default');
      return {
        tenant: slug,
        username: user.username,
        password: user.password,
        apiKey: apiKey.key,
        northbound,
        accountSid: tenant.accountSid,
        authToken,
      };
    });
  }

  async listTenants(): Promise<TenantSummary[]> {
    const rows = await this.dataSource
      .getRepository(TenantEntity)
      .find({ order: { createdAt: 'ASC' } });
    return rows.map((row) => ({
      slug: row.slug,
      name: row.name,
      accountSid: row.accountSid,
      createdAt: row.createdAt.toISOString(),
    }));
  }

  async countTenants(): Promise<number> {
    return this.dataSource.getRepository(TenantEntity).count();
  }

  async createUser(tenantSlug: string, username: string, role: UserRole = DEFAULT_USER_ROLE) {
    const tenant = await requireTenant(this.dataSource.manager, tenantSlug);
    const taken = await this.dataSource
      .getRepository(UserEntity)
      .existsBy({ tenantId: tenant.id, username });
    if (taken)
      throw new ApiError(
        'VALIDATION_ERROR',
        `User "${username}" already exists in "${tenantSlug}"`,
      );
    return this.insertUser(this.dataSource.manager, tenant.id, username, role);
  }

  async createApiKey(tenantSlug: string, label?: string) {
    const tenant = await requireTenant(this.dataSource.manager, tenantSlug);
    return this.insertApiKey(this.dataSource.manager, tenant.id, label);
  }

  /** Revokes by the key itself or by its `fh_<prefix>` part. Returns false when nothing matched. */
  async revokeApiKey(tenantSlug: string, keyOrPrefix: string): Promise<boolean> {
    const tenant = await requireTenant(this.dataSource.manager, tenantSlug);
    const prefix = /^fh_([0-9a-f]{12})/.exec(keyOrPrefix)?.[1] ?? keyOrPrefix;
    const result = await this.dataSource
      .getRepository(ApiKeyEntity)
      .update({ tenantId: tenant.id, prefix, revokedAt: IsNull() }, { revokedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }

  async createNorthboundCredential(tenantSlug: string, label?: string) {
    const tenant = await requireTenant(this.dataSource.manager, tenantSlug);
    return this.insertNorthboundCredential(this.dataSource.manager, tenant.id, label);
  }

  async revokeNorthboundCredential(tenantSlug: string, username: string): Promise<boolean> {
    const tenant = await requireTenant(this.dataSource.manager, tenantSlug);
    const result = await this.dataSource
      .getRepository(NorthboundCredentialEntity)
      .update({ tenantId: tenant.id, username, revokedAt: IsNull() }, { revokedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }

  private async insertUser(
    manager: EntityManager,
    tenantId: string,
    username: string,
    role: UserRole,
  ) {
    const password = randomSecret(18);
    await manager.insert(UserEntity, {
      tenantId,
      username,
      role,
      passwordHash: await hashPassword(password),
    });
    return { username, password };
  }

  private async insertApiKey(manager: EntityManager, tenantId: string, label?: string) {
    const { key, prefix } = generateApiKey();
    await manager.insert(ApiKeyEntity, {
      tenantId,
      prefix,
      keyHash: sha256(key),
      label: label ?? null,
    });
    return { key, prefix: `fh_${prefix}` };
  }

  private async insertNorthboundCredential(
    manager: EntityManager,
    tenantId: string,
    label?: string,
  ) {
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

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

/**
 * A tenant's overrides of the telemetry token buckets (capacity in tokens, refill in tokens per
 * second); null means the configured default (RATE_LIMIT_*) applies.
 */
export interface TenantRateLimits {
  globalCapacity: number | null;
  globalRefill: number | null;
  imeiCapacity: number | null;
  imeiRefill: number | null;
}

const RATE_LIMIT_COLUMNS = {
  globalCapacity: 'rateLimitGlobalCapacity',
  globalRefill: 'rateLimitGlobalRefill',
  imeiCapacity: 'rateLimitImeiCapacity',
  imeiRefill: 'rateLimitImeiRefill',
} as const satisfies Record<keyof TenantRateLimits, keyof TenantEntity>;

const MAX_RATE_LIMIT_VALUE = 1_000_000_000;
/** A hundred years: as the RETENTION_DAYS variable allows. */
const MAX_RETENTION_DAYS = 36_500;
/** `tenants.retention_days` of a tenant that keeps its data forever (null: the server's rule). */
export const KEEP_FOREVER = 0;

/** Days, `forever`, or null: whatever the server's RETENTION_DAYS says. */
export type TenantRetention = number | 'forever' | null;

function toRateLimits(
  row: Pick<TenantEntity, (typeof RATE_LIMIT_COLUMNS)[keyof TenantRateLimits]>,
): TenantRateLimits {
  return {
    globalCapacity: row.rateLimitGlobalCapacity,
    globalRefill: row.rateLimitGlobalRefill,
    imeiCapacity: row.rateLimitImeiCapacity,
    imeiRefill: row.rateLimitImeiRefill,
  };
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
    const tenant = await this.requireTenant(tenantSlug);
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
    const tenant = await this.requireTenant(tenantSlug);
    return this.insertApiKey(this.dataSource.manager, tenant.id, label);
  }

  /** Revokes by the key itself or by its `fh_<prefix>` part. Returns false when nothing matched. */
  async revokeApiKey(tenantSlug: string, keyOrPrefix: string): Promise<boolean> {
    const tenant = await this.requireTenant(tenantSlug);
    const prefix = /^fh_([0-9a-f]{12})/.exec(keyOrPrefix)?.[1] ?? keyOrPrefix;
    const result = await this.dataSource
      .getRepository(ApiKeyEntity)
      .update({ tenantId: tenant.id, prefix, revokedAt: IsNull() }, { revokedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }

  async createNorthboundCredential(tenantSlug: string, label?: string) {
    const tenant = await this.requireTenant(tenantSlug);
    return this.insertNorthboundCredential(this.dataSource.manager, tenant.id, label);
  }

  async revokeNorthboundCredential(tenantSlug: string, username: string): Promise<boolean> {
    const tenant = await this.requireTenant(tenantSlug);
    const result = await this.dataSource
      .getRepository(NorthboundCredentialEntity)
      .update({ tenantId: tenant.id, username, revokedAt: IsNull() }, { revokedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Sets some of a tenant's token-bucket overrides (`reset` first clears all four). Running
   * servers apply them within RATE_LIMIT_TENANT_CACHE_TTL seconds. Returns the overrides now stored.
   */
  async setRateLimits(
    tenantSlug: string,
    changes: Partial<TenantRateLimits>,
    options: { reset?: boolean } = {},
  ): Promise<TenantRateLimits> {
    const tenant = await this.requireTenant(tenantSlug);
    const update: Partial<
      Record<(typeof RATE_LIMIT_COLUMNS)[keyof TenantRateLimits], number | null>
    > = {};
    for (const [name, column] of Object.entries(RATE_LIMIT_COLUMNS) as [
      keyof TenantRateLimits,
      (typeof RATE_LIMIT_COLUMNS)[keyof TenantRateLimits],
    ][]) {
      const value = changes[name];
      if (value === undefined || value === null) {
        if (options.reset || value === null) update[column] = null;
        continue;
      }
      if (!Number.isSafeInteger(value) || value < 1 || value > MAX_RATE_LIMIT_VALUE) {
        throw new ApiError(
          'VALIDATION_ERROR',
          `Rate limit ${name} must be a whole number from 1 to ${MAX_RATE_LIMIT_VALUE} (got ${value})`,
        );
      }
      update[column] = value;
    }
    if (Object.keys(update).length > 0) {
      await this.dataSource.getRepository(TenantEntity).update({ id: tenant.id }, update);
    }
    return toRateLimits({ ...tenant, ...update });
  }

  async getRateLimits(tenantSlug: string): Promise<TenantRateLimits> {
    return toRateLimits(await this.requireTenant(tenantSlug));
  }

  /**
   * Sets how long a tenant's positions, events and messages are kept: a number of days,
   * `forever`, or null for the server's RETENTION_DAYS (forever without it). The data-lifecycle
   * job applies it on its next run.
   */
  async setRetention(tenantSlug: string, retention: TenantRetention): Promise<TenantRetention> {
    if (
      typeof retention === 'number' &&
      (!Number.isSafeInteger(retention) || retention < 1 || retention > MAX_RETENTION_DAYS)
    ) {
      throw new ApiError(
        'VALIDATION_ERROR',
        `Retention must be a whole number of days from 1 to ${MAX_RETENTION_DAYS} (got ${retention})`,
      );
    }
    const tenant = await this.requireTenant(tenantSlug);
    const retentionDays = retention === 'forever' ? KEEP_FOREVER : retention;
    await this.dataSource.getRepository(TenantEntity).update({ id: tenant.id }, { retentionDays });
    return retention;
  }

  async getRetention(tenantSlug: string): Promise<TenantRetention> {
    const { retentionDays } = await this.requireTenant(tenantSlug);
    return retentionDays === KEEP_FOREVER ? 'forever' : retentionDays;
  }

  /** The overrides of a tenant by id (the rate limiter's lookup); null when there is no such tenant. */
  async findRateLimits(tenantId: string): Promise<TenantRateLimits | null> {
    const row = await this.dataSource.getRepository(TenantEntity).findOne({
      where: { id: tenantId },
      select: {
        id: true,
        rateLimitGlobalCapacity: true,
        rateLimitGlobalRefill: true,
        rateLimitImeiCapacity: true,
        rateLimitImeiRefill: true,
      },
    });
    return row ? toRateLimits(row) : null;
  }

  private async requireTenant(slug: string): Promise<TenantEntity> {
    const tenant = await this.dataSource.getRepository(TenantEntity).findOneBy({ slug });
    if (!tenant) throw new ApiError('NOT_FOUND', `No tenant with slug "${slug}"`);
    return tenant;
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

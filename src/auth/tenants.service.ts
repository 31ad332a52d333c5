import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiError } from '../common/errors/api-error';
import { ApiKeysService } from './api-keys.service';
import { TenantEntity } from './entities/tenant.entity';
import { NorthboundCredentialsService } from './northbound-credentials.service';
import { generateAccountSid, generateAuthToken } from './secrets';
import { TenantAuthTokens } from './tenant-auth-tokens.service';
import { UsersService } from './users.service';

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

/**
 * Creates and lists tenants. A new tenant comes with a first user (`admin`), API key and northbound
 * credential, whose secrets leave here exactly once.
 */
@Injectable()
export class TenantsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly apiKeys: ApiKeysService,
    private readonly northboundCredentials: NorthboundCredentialsService,
    private readonly authTokens: TenantAuthTokens,
  ) {}

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
      // The id is chosen here: the sealed auth token is bound to it.
      const id = randomUUID();
      const tenant = await manager.save(
        manager.create(TenantEntity, {
          id,
          slug,
          name,
          accountSid: generateAccountSid(),
          ...this.authTokens.columns(id, authToken),
        }),
      );
      const user = await this.users.insert(manager, tenant.id, 'admin', 'admin');
      const apiKey = await this.apiKeys.insert(manager, tenant.id, 'default');
      const northbound = await this.northboundCredentials.insert(manager, tenant.id, 'default');
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
}

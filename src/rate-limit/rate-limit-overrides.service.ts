import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TenantEntity } from '../auth/entities/tenant.entity';
import { requireTenant } from '../auth/require-tenant';
import { ApiError } from '../common/errors/api-error';

/**
 * A tenant's overrides of the telemetry token buckets (capacity in tokens, refill in tokens per
 * second); null means the configured default (RATE_LIMIT_*) applies.
 */
export interface RateLimitOverrides {
  globalCapacity: number | null;
  globalRefill: number | null;
  imeiCapacity: number | null;
  imeiRefill: number | null;
}

const COLUMNS = {
  globalCapacity: 'rateLimitGlobalCapacity',
  globalRefill: 'rateLimitGlobalRefill',
  imeiCapacity: 'rateLimitImeiCapacity',
  imeiRefill: 'rateLimitImeiRefill',
} as const satisfies Record<keyof RateLimitOverrides, keyof TenantEntity>;

type Column = (typeof COLUMNS)[keyof RateLimitOverrides];

const MAX_VALUE = 1_000_000_000;

function toOverrides(row: Pick<TenantEntity, Column>): RateLimitOverrides {
  return {
    globalCapacity: row.rateLimitGlobalCapacity,
    globalRefill: row.rateLimitGlobalRefill,
    imeiCapacity: row.rateLimitImeiCapacity,
    imeiRefill: row.rateLimitImeiRefill,
  };
}

/** The token-bucket overrides kept with each tenant (`tenant:limits`). */
@Injectable()
export class RateLimitOverridesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Sets some of a tenant's overrides (`reset` first clears all four). Running servers apply them
   * within RATE_LIMIT_TENANT_CACHE_TTL seconds. Returns the overrides now stored.
   */
  async set(
    tenantSlug: string,
    changes: Partial<RateLimitOverrides>,
    options: { reset?: boolean } = {},
  ): Promise<RateLimitOverrides> {
    const tenant = await requireTenant(this.dataSource.manager, tenantSlug);
    const update: Partial<Record<Column, number | null>> = {};
    for (const [name, column] of Object.entries(COLUMNS) as [keyof RateLimitOverrides, Column][]) {
      const value = changes[name];
      if (value === undefined || value === null) {
        if (options.reset || value === null) update[column] = null;
        continue;
      }
      if (!Number.isSafeInteger(value) || value < 1 || value > MAX_VALUE) {
        throw new ApiError(
          'VALIDATION_ERROR',
          `Rate limit ${name} must be a whole number from 1 to ${MAX_VALUE} (got ${value})`,
        );
      }
      update[column] = value;
    }
    if (Object.keys(update).length > 0) {
      await this.dataSource.getRepository(TenantEntity).update({ id: tenant.id }, update);
    }
    return toOverrides({ ...tenant, ...update });
  }

  async get(tenantSlug: string): Promise<RateLimitOverrides> {
    return toOverrides(await requireTenant(this.dataSource.manager, tenantSlug));
  }

  /** The overrides of a tenant by id (the rate limiter's lookup); null when there is no such tenant. */
  async findByTenantId(tenantId: string): Promise<RateLimitOverrides | null> {
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
    return row ? toOverrides(row) : null;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TenantEntity } from '../auth/entities/tenant.entity';
import { requireTenant } from '../auth/require-tenant';
import { ApiError } from '../common/errors/api-error';

/** A hundred years: as the RETENTION_DAYS variable allows. */
const MAX_RETENTION_DAYS = 36_500;

/** `tenants.retention_days` of a tenant that keeps its data forever (null: the server's rule). */
export const KEEP_FOREVER = 0;

/** Days, `forever`, or null: whatever the server's RETENTION_DAYS says. */
export type TenantRetention = number | 'forever' | null;

/** How long each tenant's data is kept (`tenant:retention`): the data-lifecycle job applies it. */
@Injectable()
export class TenantRetentionService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Sets how long a tenant's positions, events and messages are kept: a number of days,
   * `forever`, or null for the server's RETENTION_DAYS (forever without it). The data-lifecycle
   * job applies it on its next run.
   */
  async set(tenantSlug: string, retention: TenantRetention): Promise<TenantRetention> {
    if (
      typeof retention === 'number' &&
      (!Number.isSafeInteger(retention) || retention < 1 || retention > MAX_RETENTION_DAYS)
    ) {
      throw new ApiError(
        'VALIDATION_ERROR',
        `Retention must be a whole number of days from 1 to ${MAX_RETENTION_DAYS} (got ${retention})`,
      );
    }
    const tenant = await requireTenant(this.dataSource.manager, tenantSlug);
    const retentionDays = retention === 'forever' ? KEEP_FOREVER : retention;
    await this.dataSource.getRepository(TenantEntity).update({ id: tenant.id }, { retentionDays });
    return retention;
  }

  async get(tenantSlug: string): Promise<TenantRetention> {
    const { retentionDays } = await requireTenant(this.dataSource.manager, tenantSlug);
    return retentionDays === KEEP_FOREVER ? 'forever' : retentionDays;
  }
}

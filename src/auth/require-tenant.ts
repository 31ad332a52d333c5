import type { EntityManager } from 'typeorm';
import { ApiError } from '../common/errors/api-error';
import { TenantEntity } from './entities/tenant.entity';

/** The tenant an operator's command names by its slug; NOT_FOUND when there is none. */
export async function requireTenant(manager: EntityManager, slug: string): Promise<TenantEntity> {
  const tenant = await manager.findOneBy(TenantEntity, { slug });
  if (!tenant) throw new ApiError('NOT_FOUND', `No tenant with slug "${slug}"`);
  return tenant;
}

import { randomBytes } from 'node:crypto';
import type { TenantCredentials } from '../../src/auth/tenants.service';
import { TenantsService } from '../../src/auth/tenants.service';
import { TenantEntity } from '../../src/auth/entities/tenant.entity';
import type { TestApp } from '../utils/test-app';

/** A new tenant with all its credentials, as `tenant:create` makes it. */
export function createTenant(testApp: TestApp, name = 'Test Fleet'): Promise<TenantCredentials> {
  return testApp.app.get(TenantsService).createTenant({
    name,
    slug: `t-${randomBytes(5).toString('hex')}`,
  });
}

/** The three headers of the dual-auth model, for a tenant and a token of it. */
export function apiHeaders(tenant: TenantCredentials, token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}`, 'X-API-Key': tenant.apiKey, tenant: tenant.tenant };
}

export async function issueToken(testApp: TestApp, tenant: TenantCredentials): Promise<string> {
  const response = await testApp.http
    .post('/apidev/v1/auth/token')
    .set({ 'X-API-Key': tenant.apiKey, tenant: tenant.tenant })
    .send({ username: tenant.username, password: tenant.password })
    .expect(200);
  return (response.body as { data: { accessToken: string } }).data.accessToken;
}

/** The id of a tenant, by slug (what a principal carries as `tenantId`). */
export async function tenantIdOf(testApp: TestApp, slug: string): Promise<string> {
  const tenant = await testApp.dataSource.getRepository(TenantEntity).findOneByOrFail({ slug });
  return tenant.id;
}

/** A tenant ready to call the `/apidev/v1` API: its credentials, its id and the three headers. */
export interface Fleet {
  tenant: TenantCredentials;
  tenantId: string;
  headers: Record<string, string>;
}

export async function createFleet(testApp: TestApp, name = 'Test Fleet'): Promise<Fleet> {
  const tenant = await createTenant(testApp, name);
  return {
    tenant,
    tenantId: await tenantIdOf(testApp, tenant.tenant),
    headers: apiHeaders(tenant, await issueToken(testApp, tenant)),
  };
}

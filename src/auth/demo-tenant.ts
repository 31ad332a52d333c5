import { join } from 'node:path';
import { writePrivateFile } from '../config/local-secrets';
import type { TenantCredentials, TenantsService } from './tenants.service';

/**
 * On the embedded default's first start (no tenant yet) FleetHub creates a `demo` tenant, so the
 * Quick start has credentials to try. They are printed once and kept in a 0600 file.
 */
export async function seedDemoTenant(
  tenants: TenantsService,
  dataDir: string,
): Promise<{ credentials: TenantCredentials; file: string } | undefined> {
  if ((await tenants.countTenants()) > 0) return undefined;
  const credentials = await tenants.createTenant({ name: 'Demo', slug: 'demo' });
  const file = join(dataDir, 'demo-credentials.json');
  await writePrivateFile(file, `${JSON.stringify(credentials, null, 2)}\n`);
  return { credentials, file };
}

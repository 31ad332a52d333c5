import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { writePrivateFile } from '../config/local-secrets';
import type { TenantCredentials, TenantsService } from './tenants.service';

export interface DemoTenant {
  /** The 0600 file that keeps the demo tenant's credentials. */
  file: string;
  /** Only on the start that created the tenant: shown once, then read from `file`. */
  credentials?: TenantCredentials;
}

/**
 * On the embedded default's first start (no tenant yet) FleetHub creates a `demo` tenant, so the
 * Quick start has credentials to try, and keeps them in a file. A later start finds that file
 * (undefined when there is none: the tenants were made some other way).
 */
export async function seedDemoTenant(
  tenants: Pick<TenantsService, 'countTenants' | 'createTenant'>,
  dataDir: string,
): Promise<DemoTenant | undefined> {
  const file = resolve(dataDir, 'demo-credentials.json');
  if ((await tenants.countTenants()) > 0) {
    return access(file).then(
      () => ({ file }),
      () => undefined,
    );
  }
  const credentials = await tenants.createTenant({ name: 'Demo', slug: 'demo' });
  await writePrivateFile(file, `${JSON.stringify(credentials, null, 2)}\n`);
  return { file, credentials };
}

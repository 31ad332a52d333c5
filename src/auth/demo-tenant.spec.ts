import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemoTenant } from './demo-tenant';
import type { TenantCredentials } from './tenants.service';

const CREDENTIALS: TenantCredentials = {
  tenant: 'demo',
  username: 'admin',
  password: 'password-shown-once',
  apiKey: 'fh_000000000000_key',
  northbound: { username: 'nb_0000000000000000', password: 'northbound-password' },
  accountSid: `AC${'0'.repeat(32)}`,
  authToken: '0'.repeat(32),
};

/** The two methods the seeding uses, over a tenant count. */
function tenantsWith(count: number) {
  const created: string[] = [];
  return {
    created,
    countTenants: () => Promise.resolve(count),
    createTenant: ({ slug }: { name: string; slug?: string }) => {
      created.push(slug ?? '');
      return Promise.resolve(CREDENTIALS);
    },
  };
}

describe('seedDemoTenant', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fleethub-demo-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('creates the demo tenant on a first start and keeps its credentials in a 0600 file', async () => {
    const tenants = tenantsWith(0);
    const demo = await seedDemoTenant(tenants, dataDir);
    const file = join(dataDir, 'demo-credentials.json');
    expect(tenants.created).toEqual(['demo']);
    expect(demo).toEqual({ file, credentials: CREDENTIALS });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(CREDENTIALS);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('on a later start creates nothing and says where the credentials are kept', async () => {
    const file = join(dataDir, 'demo-credentials.json');
    await writeFile(file, JSON.stringify(CREDENTIALS));
    const tenants = tenantsWith(1);
    expect(await seedDemoTenant(tenants, dataDir)).toEqual({ file });
    expect(tenants.created).toEqual([]);
  });

  it('says nothing when the tenants were made another way (no credentials file)', async () => {
    const tenants = tenantsWith(2);
    expect(await seedDemoTenant(tenants, dataDir)).toBeUndefined();
    expect(tenants.created).toEqual([]);
  });
});

import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateLocalSecrets } from './local-secrets';

describe('loadOrCreateLocalSecrets', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fleethub-secrets-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  const file = () => join(dataDir, 'secrets.json');

  it('creates the file once, private, and reads the same secrets back', async () => {
    const created = await loadOrCreateLocalSecrets(dataDir);
    expect(Buffer.from(created.secretsEncryptionKey, 'base64')).toHaveLength(32);
    expect(created.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect((await stat(file())).mode & 0o777).toBe(0o600);
    await expect(loadOrCreateLocalSecrets(dataDir)).resolves.toEqual(created);
  });

  it('adds the secrets a file of an earlier version lacks, keeping those it has', async () => {
    const earlier = { jwtSecret: 'j'.repeat(64), embeddedPostgresPassword: 'p'.repeat(32) };
    await writeFile(file(), JSON.stringify(earlier), { mode: 0o600 });
    const secrets = await loadOrCreateLocalSecrets(dataDir);
    expect(secrets).toMatchObject(earlier);
    expect(Buffer.from(secrets.secretsEncryptionKey, 'base64')).toHaveLength(32);
    expect(JSON.parse(await readFile(file(), 'utf8'))).toEqual(secrets);
    expect((await stat(file())).mode & 0o777).toBe(0o600);
    await expect(loadOrCreateLocalSecrets(dataDir)).resolves.toEqual(secrets);
  });
});

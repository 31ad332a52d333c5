import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Secrets FleetHub generates for itself on the embedded default, kept across restarts. */
export interface LocalSecrets {
  jwtSecret: string;
  embeddedPostgresPassword: string;
  /** Base64 of 32 random bytes (see SECRETS_ENCRYPTION_KEY). */
  secretsEncryptionKey: string;
}

function generate(): LocalSecrets {
  return {
    jwtSecret: randomBytes(48).toString('base64url'),
    embeddedPostgresPassword: randomBytes(24).toString('base64url'),
    secretsEncryptionKey: randomBytes(32).toString('base64'),
  };
}

/**
 * Reads `<dataDir>/secrets.json`, creating it (mode 0600) with fresh random values on first use.
 * A file written by an earlier version gets the secrets it lacks added, and keeps those it has.
 * Only the embedded default uses it: production configurations supply their own secrets.
 */
export async function loadOrCreateLocalSecrets(dataDir: string): Promise<LocalSecrets> {
  const file = join(dataDir, 'secrets.json');
  let stored: Partial<LocalSecrets> | undefined;
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as Partial<LocalSecrets>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (!stored) {
    const secrets = generate();
    await ensureDataDir(dataDir);
    await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
    return secrets;
  }
  const secrets: LocalSecrets = { ...generate(), ...stored };
  if (Object.keys(secrets).some((name) => !(name in stored))) {
    await writePrivateFile(file, JSON.stringify(secrets, null, 2));
  }
  return secrets;
}

/** The data directory must stay traversable: the embedded PostgreSQL runs as its own system user. */
export async function ensureDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  await chmod(dataDir, 0o755);
}

export async function writePrivateFile(path: string, content: string): Promise<void> {
  await writeFile(path, content, { mode: 0o600 });
  await chmod(path, 0o600);
}

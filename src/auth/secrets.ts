import { hash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };
const API_KEY_PATTERN = /^fh_([0-9a-f]{12})_([A-Za-z0-9_-]{32})$/;

export function sha256(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}

/** Constant-time comparison that also tolerates buffers of different lengths. */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function randomSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** API keys read `fh_<prefix>_<secret>`: the prefix finds the row, the hash of the whole key proves it. */
export function generateApiKey(): { key: string; prefix: string } {
  const prefix = randomBytes(6).toString('hex');
  return { key: `fh_${prefix}_${randomSecret(24)}`, prefix };
}

export function apiKeyPrefix(key: string): string | undefined {
  return API_KEY_PATTERN.exec(key)?.[1];
}

export function generateAccountSid(): string {
  return `AC${randomBytes(16).toString('hex')}`;
}

/** Twilio auth tokens are 32 hex characters. */
export function generateAuthToken(): string {
  return randomBytes(16).toString('hex');
}

/** A self-describing scrypt hash: `scrypt$N$r$p$salt$hash` (base64url), so parameters can evolve. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p, keylen } = SCRYPT;
  const hash = await scryptAsync(password, salt, keylen, { N, r, p, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', N, r, p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/**
 * Whether `password` is the one `stored` was hashed from. scrypt keys HMAC with the password,
 * zero-padded to its block size, so a password followed by NUL characters would derive the same
 * hash as the password alone: a password holding NUL never matches (none is ever issued).
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash || password.includes('\u0000')) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 1024 * 1024,
  });
  return safeEqual(actual, expected);
}

/** Spent on unknown usernames so a miss takes as long as a wrong password. */
export const DUMMY_PASSWORD_HASH =
  'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

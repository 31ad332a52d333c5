import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The layout's version: the first byte of every sealed value, so the layout can change later. */
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

/**
 * A secret FleetHub must read back (a hash would not do), sealed with AES-256-GCM under the
 * server's key: `version | iv | tag | ciphertext`. `context` names what the secret belongs to (a
 * tenant's auth token): authenticated, not stored, so a sealed value copied to another row does
 * not open there.
 */
export function sealSecret(key: Buffer, context: string, secret: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), ciphertext]);
}

/**
 * The secret `sealSecret` sealed for `context`; undefined when `sealed` does not open: sealed
 * under another key, for another context, or altered.
 */
export function openSecret(key: Buffer, context: string, sealed: Buffer): string | undefined {
  if (sealed.length < HEADER_BYTES || sealed[0] !== VERSION) return undefined;
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(1 + IV_BYTES, HEADER_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv)
      .setAAD(Buffer.from(context, 'utf8'))
      .setAuthTag(tag);
    return Buffer.concat([
      decipher.update(sealed.subarray(HEADER_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    return undefined;
  }
}

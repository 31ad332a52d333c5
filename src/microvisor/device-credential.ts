import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes: a credential of 43 base64url characters. */
const CREDENTIAL_BYTES = 32;

/** A Device's own secret, shown once when it is registered. */
export function newDeviceCredential(): string {
  return randomBytes(CREDENTIAL_BYTES).toString('base64url');
}

/**
 * What is stored of a credential, and looked up by: its SHA-256. A credential has 256 random bits,
 * so a plain digest (no salt, no stretching) leaves nothing to guess.
 */
export function deviceCredentialHash(credential: string): Buffer {
  return createHash('sha256').update(credential, 'utf8').digest();
}

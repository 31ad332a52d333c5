import { randomBytes } from 'node:crypto';
import { openSecret, sealSecret } from './sealed-secret';

const key = randomBytes(32);
const token = '0123456789abcdef0123456789abcdef';

describe('sealed secrets (AES-256-GCM)', () => {
  it('opens what it sealed, for the same key and context', () => {
    const sealed = sealSecret(key, 'tenant:a', token);
    expect(openSecret(key, 'tenant:a', sealed)).toBe(token);
  });

  it('never holds the secret in clear, and seals it differently each time', () => {
    const a = sealSecret(key, 'tenant:a', token);
    const b = sealSecret(key, 'tenant:a', token);
    expect(a.includes(Buffer.from(token))).toBe(false);
    expect(a.equals(b)).toBe(false);
    expect(a.length).toBe(1 + 12 + 16 + token.length);
  });

  it('does not open under another key, for another context, or altered in any byte', () => {
    const sealed = sealSecret(key, 'tenant:a', token);
    expect(openSecret(randomBytes(32), 'tenant:a', sealed)).toBeUndefined();
    expect(openSecret(key, 'tenant:b', sealed)).toBeUndefined();
    for (let index = 0; index < sealed.length; index++) {
      const altered = Buffer.from(sealed);
      altered[index] ^= 0x01;
      expect(openSecret(key, 'tenant:a', altered)).toBeUndefined();
    }
  });

  it('does not open values too short to be sealed ones', () => {
    expect(openSecret(key, 'tenant:a', Buffer.alloc(0))).toBeUndefined();
    expect(openSecret(key, 'tenant:a', Buffer.from([1, 2, 3]))).toBeUndefined();
  });
});

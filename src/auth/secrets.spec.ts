import { createHash } from 'node:crypto';
import {
  DUMMY_PASSWORD_HASH,
  apiKeyPrefix,
  generateAccountSid,
  generateApiKey,
  generateAuthToken,
  hashPassword,
  safeEqual,
  sha256,
  verifyPassword,
} from './secrets';

describe('password hashing', () => {
  it('verifies the password it hashed and rejects any other', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    await expect(verifyPassword('correct horse battery staple', hash)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapl', hash)).resolves.toBe(false);
    await expect(verifyPassword('', hash)).resolves.toBe(false);
  });

  it('rejects the password followed by NUL characters, which scrypt alone would take for it', async () => {
    const hash = await hashPassword('correct horse battery staple');
    await expect(verifyPassword('correct horse battery staple\u0000', hash)).resolves.toBe(false);
    await expect(verifyPassword('correct horse battery staple\u0000\u0000', hash)).resolves.toBe(
      false,
    );
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a).not.toBe(b);
    await expect(verifyPassword('same', a)).resolves.toBe(true);
    await expect(verifyPassword('same', b)).resolves.toBe(true);
  });

  it('rejects stored values that are not scrypt hashes', async () => {
    await expect(verifyPassword('x', '')).resolves.toBe(false);
    await expect(verifyPassword('x', 'plaintext')).resolves.toBe(false);
    await expect(verifyPassword('x', 'bcrypt$10$salt$hash')).resolves.toBe(false);
  });

  it('has a dummy hash that no password matches (spent on unknown usernames)', async () => {
    await expect(verifyPassword('', DUMMY_PASSWORD_HASH)).resolves.toBe(false);
    await expect(verifyPassword('admin', DUMMY_PASSWORD_HASH)).resolves.toBe(false);
  });
});

describe('API keys', () => {
  it('have the form fh_<12 hex>_<32 base64url> and a prefix that finds them', () => {
    const { key, prefix } = generateApiKey();
    expect(key).toMatch(/^fh_[0-9a-f]{12}_[A-Za-z0-9_-]{32}$/);
    expect(prefix).toMatch(/^[0-9a-f]{12}$/);
    expect(key.startsWith(`fh_${prefix}_`)).toBe(true);
    expect(apiKeyPrefix(key)).toBe(prefix);
  });

  it('are unique', () => {
    const keys = new Set(Array.from({ length: 50 }, () => generateApiKey().key));
    expect(keys.size).toBe(50);
  });

  it.each([
    '',
    'garbage',
    'fh_',
    'fh_0123456789ab',
    'fh_0123456789ab_short',
    'fh_0123456789AB_abcdefghijklmnopqrstuvwxyz012345',
    'fh_0123456789ab_abcdefghijklmnopqrstuvwxyz0123456',
    'xx_0123456789ab_abcdefghijklmnopqrstuvwxyz012345',
    ' fh_0123456789ab_abcdefghijklmnopqrstuvwxyz012345',
    'fh_0123456789ab_abcdefghijklmnopqrstuvwxyz01234!',
  ])('apiKeyPrefix rejects %j', (value) => {
    expect(apiKeyPrefix(value)).toBeUndefined();
  });

  it('apiKeyPrefix accepts a well-formed key it did not generate', () => {
    expect(apiKeyPrefix('fh_0123456789ab_abcdefghijklmnopqrstuvwxyz012345')).toBe('0123456789ab');
  });
});

describe('sha256', () => {
  it('gives the digests stored before it was one-shot, bytes of UTF-8 as createHash takes them', () => {
    for (const value of ['', 'abc', 'fh_0123456789ab_é€😀', 'lone \ud800 surrogate']) {
      expect(sha256(value)).toEqual(createHash('sha256').update(value).digest());
    }
    expect(sha256('abc').toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe('safeEqual', () => {
  it('compares buffers by content', () => {
    expect(safeEqual(sha256('a'), sha256('a'))).toBe(true);
    expect(safeEqual(sha256('a'), sha256('b'))).toBe(false);
  });

  it('returns false (rather than throwing) for buffers of different lengths', () => {
    expect(safeEqual(Buffer.from('abc'), Buffer.from('abcd'))).toBe(false);
    expect(safeEqual(Buffer.alloc(0), Buffer.from('a'))).toBe(false);
  });
});

describe('Twilio-style account credentials', () => {
  it('Account SIDs are AC + 32 lowercase hex', () => {
    const sid = generateAccountSid();
    expect(sid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(generateAccountSid()).not.toBe(sid);
  });

  it('auth tokens are 32 lowercase hex', () => {
    const token = generateAuthToken();
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(generateAuthToken()).not.toBe(token);
  });
});

import type { Repository } from 'typeorm';
import { holdClock, type HeldClock } from '../../test/utils/held-clock';
import type { AppConfig } from '../config/app-config';
import { CredentialVerifier } from './credential-verifier.service';
import type { ApiPrincipal } from './principal';
import type { TenantAuthTokens } from './tenant-auth-tokens.service';
import { generateApiKey, sha256 } from './secrets';

/** A store that answers every lookup with `row`: the cache is under test here, not the queries. */
const answering = <T extends object>(row: object) =>
  ({
    findOne: () => Promise.resolve(row),
    update: () => Promise.resolve(),
  }) as unknown as Repository<T>;

const { key, prefix } = generateApiKey();
const principal: ApiPrincipal = {
  tenantId: 'tenant-1',
  tenantSlug: 'fleet',
  apiKeyId: 'key-1',
  userId: 'user-1',
  role: 'admin',
};

/** A verifier whose cached verifications (a minute's worth) hold a principal's credentials. */
async function verifierHolding(): Promise<CredentialVerifier> {
  const verifier = new CredentialVerifier(
    { auth: { credentialCacheTtlMs: 60_000 } } as AppConfig,
    answering({ id: principal.tenantId, slug: principal.tenantSlug }),
    answering({ id: principal.userId, tenantId: principal.tenantId, role: principal.role }),
    answering({
      id: principal.apiKeyId,
      tenantId: principal.tenantId,
      prefix,
      keyHash: sha256(key),
    }),
    answering({}),
    {} as TenantAuthTokens, // seals Twilio auth tokens: no part of these lookups
  );
  await verifier.findTenantBySlug(principal.tenantSlug);
  await verifier.verifyApiKey(key);
  await verifier.findActiveUser(principal.userId);
  return verifier;
}

describe('CredentialVerifier: remembered principals', () => {
  const start = Date.UTC(2026, 0, 1);
  let clock: HeldClock;
  beforeEach(() => (clock = holdClock(start)));
  afterEach(() => clock.release());

  it('serves a principal through its token’s last valid millisecond, never at its expiry', async () => {
    // A token is valid while now < exp: from `tokenExpiresAt` on, it must be checked again.
    const tokenExpiresAt = start + 1000;
    const verifier = await verifierHolding();
    verifier.rememberPrincipal('credentials', principal, { apiKey: key, tokenExpiresAt });
    clock.set(tokenExpiresAt - 1);
    expect(verifier.knownPrincipal('credentials')).toEqual(principal);
    clock.set(tokenExpiresAt);
    expect(verifier.knownPrincipal('credentials')).toBeUndefined();
  });
});

import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LRUCache } from 'lru-cache';
import { IsNull, Repository } from 'typeorm';
import { ApiError } from '../common/errors/api-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ApiKeyEntity } from './entities/api-key.entity';
import { NorthboundCredentialEntity } from './entities/northbound-credential.entity';
import { TenantEntity } from './entities/tenant.entity';
import { UserEntity } from './entities/user.entity';
import type { ApiPrincipal, TenantPrincipal, VerifiedApiKey, VerifiedUser } from './principal';
import { DUMMY_PASSWORD_HASH, apiKeyPrefix, safeEqual, sha256, verifyPassword } from './secrets';
import { TenantAuthTokens } from './tenant-auth-tokens.service';

/** Cache keys of the verifications a dual-auth principal rests on. */
const tenantEntry = (slug: string) => `tenant:${slug}`;
const apiKeyEntry = (digest: Buffer) => `apikey:${digest.toString('base64')}`;
const userEntry = (userId: string) => `user:${userId}`;

interface TenantRef {
  id: string;
  slug: string;
}

/**
 * The answer when the credential store could not be asked (PostgreSQL down, its pool exhausted):
 * the credential was not checked, so the caller must retry, not give up as it would on a 401.
 */
export function credentialsUncheckable(): ApiError {
  return new ApiError(
    'SERVICE_UNAVAILABLE',
    'Credentials cannot be checked right now; retry shortly',
    undefined,
    { 'Retry-After': '1' },
  );
}

/**
 * Verifies credentials for the guards. Successful verifications are cached in memory for
 * AUTH_CACHE_TTL seconds, so the ingestion hot path rarely touches PostgreSQL; the price is that a
 * revocation takes effect on every process within that TTL. Failures are never cached.
 */
@Injectable()
export class CredentialVerifier {
  private readonly logger = new Logger(CredentialVerifier.name);
  private readonly ttlMs: number;
  private readonly cache: LRUCache<string, object>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectRepository(TenantEntity) private readonly tenants: Repository<TenantEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(ApiKeyEntity) private readonly apiKeys: Repository<ApiKeyEntity>,
    @InjectRepository(NorthboundCredentialEntity)
    private readonly northbound: Repository<NorthboundCredentialEntity>,
    private readonly authTokens: TenantAuthTokens,
  ) {
    this.ttlMs = config.auth.credentialCacheTtlMs;
    this.cache = new LRUCache({
      max: 10_000,
      ttl: Math.max(this.ttlMs, 1),
      // Ages on the wall clock a token's expiry is on (not lru-cache's default, the monotonic
      // clock), read afresh at each lookup (not once per millisecond): a principal is then never
      // served past its token's expiry, and tests move this clock and the JWT check's together.
      perf: { now: () => Date.now() },
      ttlResolution: 0,
    });
  }

  /** A lookup in the credential store; its failure means "not checked", never "wrong". */
  private async ask<T>(lookup: () => Promise<T>): Promise<T> {
    try {
      return await lookup();
    } catch (error) {
      this.logger.warn(`Credentials could not be checked: ${String(error)}`);
      throw credentialsUncheckable();
    }
  }

  private async cached<T extends object>(
    key: string,
    load: () => Promise<T | null>,
  ): Promise<T | null> {
    const hit = this.ttlMs > 0 ? (this.cache.get(key) as T | undefined) : undefined;
    if (hit) return hit;
    const value = await this.ask(load);
    if (value && this.ttlMs > 0) this.cache.set(key, value);
    return value;
  }

  /**
   * The principal last authenticated from exactly these credentials (`credentials`: a digest of
   * the token, the API key and the tenant header), while the verifications it rests on would
   * still be cached and its token has not expired. The dual authentication of `/apidev/v1` checks
   * a token signature and runs two passport strategies per request: a fifth of the ingestion
   * path's CPU, which a client repeating the same three headers need not pay again.
   */
  knownPrincipal(credentials: string): ApiPrincipal | undefined {
    return this.ttlMs > 0
      ? (this.cache.get(`principal:${credentials}`) as ApiPrincipal)
      : undefined;
  }

  /**
   * Remembers a principal for `knownPrincipal` no longer than the cached verifications of its
   * tenant, API key (`apiKey`, as sent) and user would last, nor past its token's expiry: a
   * revocation then reaches it within AUTH_CACHE_TTL, as it reaches them.
   */
  rememberPrincipal(
    credentials: string,
    principal: ApiPrincipal,
    { apiKey, tokenExpiresAt }: { apiKey: string; tokenExpiresAt: number },
  ): void {
    const restsOn = [
      tenantEntry(principal.tenantSlug),
      apiKeyEntry(sha256(apiKey)),
      userEntry(principal.userId),
    ];
    const now = Date.now();
    // The cache serves an entry while its age is at most its ttl, and a token is valid while
    // now < tokenExpiresAt: its last servable millisecond is tokenExpiresAt - 1.
    const ttl = Math.min(
      ...restsOn.map((key) => this.cache.getRemainingTTL(key)),
      tokenExpiresAt - 1 - now,
    );
    // A ttl of 0 would mean "forever" to the cache.
    if (ttl >= 1) this.cache.set(`principal:${credentials}`, principal, { ttl, start: now });
  }

  /** Drops every cached verification (tests and the CLI use it after a revocation). */
  clearCache(): void {
    this.cache.clear();
  }

  findTenantBySlug(slug: string): Promise<TenantRef | null> {
    return this.cached(tenantEntry(slug), () =>
      this.tenants.findOne({ where: { slug }, select: { id: true, slug: true } }),
    );
  }

  verifyApiKey(key: string): Promise<VerifiedApiKey | null> {
    const digest = sha256(key);
    return this.cached(apiKeyEntry(digest), async () => {
      const prefix = apiKeyPrefix(key);
      if (!prefix) return null;
      const row = await this.apiKeys.findOne({ where: { prefix, revokedAt: IsNull() } });
      if (!row || !safeEqual(row.keyHash, digest)) return null;
      // Recorded once per cache fill, off the request path: an approximate "last used" is enough.
      this.apiKeys
        .update(row.id, { lastUsedAt: new Date() })
        .catch((error: unknown) =>
          this.logger.warn(`Could not record API key use: ${String(error)}`),
        );
      return { id: row.id, tenantId: row.tenantId };
    });
  }

  /** The user behind a token must still exist and be enabled. */
  findActiveUser(userId: string): Promise<VerifiedUser | null> {
    return this.cached(userEntry(userId), () =>
      this.users.findOne({
        where: { id: userId, disabledAt: IsNull() },
        select: { id: true, tenantId: true, role: true },
      }),
    );
  }

  /** Username and password of a tenant's user (token issue). scrypt is slow by design: never cached. */
  async verifyUserPassword(
    tenantId: string,
    username: string,
    password: string,
  ): Promise<VerifiedUser | null> {
    const user = await this.ask(() =>
      this.users.findOne({ where: { tenantId, username, disabledAt: IsNull() } }),
    );
    const valid = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
    return user && valid ? { id: user.id, tenantId: user.tenantId, role: user.role } : null;
  }

  verifyNorthbound(username: string, password: string): Promise<TenantPrincipal | null> {
    const digest = sha256(password);
    return this.cached(`northbound:${username}:${digest.toString('base64')}`, async () => {
      const row = await this.northbound.findOne({ where: { username, revokedAt: IsNull() } });
      if (!row || !safeEqual(row.passwordHash, digest)) return null;
      return { tenantId: row.tenantId, credentialId: row.id };
    });
  }

  /** Twilio-style Basic auth: the Account SID as username, the auth token as password. */
  verifyAccount(accountSid: string, authToken: string): Promise<TenantPrincipal | null> {
    const digest = sha256(authToken);
    return this.cached(`account:${accountSid}:${digest.toString('base64')}`, async () => {
      const row = await this.tenants.findOne({ where: { accountSid } });
      if (!row || !safeEqual(row.authTokenHash, digest)) return null;
      // On a cache miss only: the sealed copy that signs callbacks, for tenants created before it
      // was kept (Basic auth on a Twilio route is the only way such a tenant can ask for one).
      await this.authTokens.keepSealed(row, authToken);
      return { tenantId: row.id, credentialId: row.accountSid };
    });
  }
}

import type { Envelope } from './types';

const API = '/apidev/v1';

/** What the sign-in form asks for: the tenant's slug, one of its API keys, a user. */
export interface Credentials {
  tenant: string;
  apiKey: string;
  username: string;
  password: string;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

/** An answer of the API's error envelope (or a failure to reach it), with its own message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface TokenAnswer {
  accessToken: string;
  tokenType: string;
  expiresIn: number;
}

/** Renew this long before the token expires, so a request never carries an expired one. */
const RENEW_MARGIN_S = 60;

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.message) {
      return new ApiError(response.status, body.error.code ?? 'ERROR', body.error.message);
    }
  } catch {
    // Not the envelope (a proxy's page, say): fall through to the status line.
  }
  return new ApiError(response.status, 'HTTP_ERROR', `${response.status} ${response.statusText}`);
}

async function requestToken(credentials: Credentials, signal?: AbortSignal): Promise<TokenAnswer> {
  const response = await fetch(`${API}/auth/token`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-API-Key': credentials.apiKey,
      tenant: credentials.tenant,
    },
    body: JSON.stringify({ username: credentials.username, password: credentials.password }),
    signal,
  });
  if (!response.ok) throw await errorOf(response);
  return ((await response.json()) as Envelope<TokenAnswer>).data;
}

export function apiUrl(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const search = params.toString();
  return `${API}${path}${search ? `?${search}` : ''}`;
}

/**
 * A signed-in session of the public `/apidev/v1` API: every request carries the three headers
 * (token, API key, tenant). The token lives in this object only, never in storage or a cookie;
 * it is renewed before it expires with the credentials the user gave, which are held here for
 * that and forgotten at sign-out.
 */
export class Session {
  private token: string;
  private renewTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly aborter = new AbortController();
  private readonly endListeners = new Set<(reason: ApiError | null) => void>();
  private ended = false;

  private constructor(
    private credentials: Credentials | null,
    answer: TokenAnswer,
  ) {
    this.token = answer.accessToken;
    this.scheduleRenewal(answer.expiresIn);
  }

  /** Gets a token; a refusal is an ApiError carrying the API's own message. */
  static async signIn(credentials: Credentials): Promise<Session> {
    return new Session({ ...credentials }, await requestToken(credentials));
  }

  get tenant(): string {
    return this.credentials?.tenant ?? '';
  }

  get username(): string {
    return this.credentials?.username ?? '';
  }

  /** Aborted at sign-out: pass it on to long requests (streams, downloads). */
  get signal(): AbortSignal {
    return this.aborter.signal;
  }

  /** Called once when the session ends: `null` on sign-out, the error when renewal failed. */
  onEnd(listener: (reason: ApiError | null) => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  /** GET a JSON route; an error answer becomes an ApiError. */
  async get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<Envelope<T>> {
    const response = await this.fetch(apiUrl(path, query), { signal });
    if (!response.ok) throw await errorOf(response);
    return (await response.json()) as Envelope<T>;
  }

  /** A raw authenticated request (the live stream, exports); the caller reads the answer. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    if (this.ended) throw new ApiError(401, 'SIGNED_OUT', 'Signed out');
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${this.token}`);
    headers.set('X-API-Key', this.credentials?.apiKey ?? '');
    headers.set('tenant', this.tenant);
    const signal = init.signal
      ? AbortSignal.any([init.signal, this.aborter.signal])
      : this.aborter.signal;
    return fetch(url, { ...init, headers, signal, cache: 'no-store' });
  }

  /** Turns an error answer into an ApiError (for callers of `fetch`). */
  static errorOf(response: Response): Promise<ApiError> {
    return errorOf(response);
  }

  signOut(): void {
    this.end(null);
  }

  private scheduleRenewal(expiresInSeconds: number): void {
    const delayS = Math.max(expiresInSeconds - RENEW_MARGIN_S, expiresInSeconds / 2);
    this.renewTimer = setTimeout(() => void this.renew(), delayS * 1000);
  }

  private async renew(): Promise<void> {
    if (this.ended || !this.credentials) return;
    try {
      const answer = await requestToken(this.credentials, this.aborter.signal);
      this.token = answer.accessToken;
      this.scheduleRenewal(answer.expiresIn);
    } catch (error) {
      if (this.ended) return;
      if (error instanceof ApiError && error.status !== 429 && error.status < 500) {
        this.end(error);
      } else {
        // The API is unreachable or busy for now: try again shortly, the token is still valid.
        this.renewTimer = setTimeout(() => void this.renew(), 10_000);
      }
    }
  }

  private end(reason: ApiError | null): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.renewTimer);
    this.aborter.abort();
    this.credentials = null;
    this.token = '';
    for (const listener of this.endListeners) listener(reason);
    this.endListeners.clear();
  }
}

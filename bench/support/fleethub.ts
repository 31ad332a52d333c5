import { Client } from 'pg';
import type { TenantCredentials } from '../../src/auth/tenants.service';

/** A PostgreSQL URL allowed to create databases; each benchmark creates and drops its own. */
export const ADMIN_URL =
  process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The Redis the benchmarks use, each under a queue prefix of its own. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const databaseUrl = (name: string) =>
  Object.assign(new URL(ADMIN_URL), { pathname: `/${name}` }).toString();

async function admin(statements: string[]): Promise<void> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A new, empty database `name` (dropped first if a previous run left it); its URL. */
export async function recreateDatabase(name: string): Promise<string> {
  await admin([`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, `CREATE DATABASE ${name}`]);
  return databaseUrl(name);
}

export async function dropDatabase(name: string): Promise<void> {
  await admin([`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
}

/** A JWT for the tenant's user, from the running server. */
async function issueToken(baseUrl: string, tenant: TenantCredentials): Promise<string> {
  const response = await fetch(`${baseUrl}/apidev/v1/auth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': tenant.apiKey,
      tenant: tenant.tenant,
    },
    body: JSON.stringify({ username: tenant.username, password: tenant.password }),
  });
  const body = (await response.json()) as { data: { accessToken: string } };
  return body.data.accessToken;
}

/** The headers of the dual authentication of `/apidev/v1`, for the tenant's user. */
export async function authHeaders(
  baseUrl: string,
  tenant: TenantCredentials,
): Promise<Record<string, string>> {
  return {
    authorization: `Bearer ${await issueToken(baseUrl, tenant)}`,
    'x-api-key': tenant.apiKey,
    tenant: tenant.tenant,
  };
}

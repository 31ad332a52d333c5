import { ApiKeysService } from '../auth/api-keys.service';
import { DEFAULT_USER_ROLE, USER_ROLES, type UserRole } from '../auth/entities/user.entity';
import { NorthboundCredentialsService } from '../auth/northbound-credentials.service';
import { ROLE_ABILITIES } from '../auth/roles';
import { TenantsService } from '../auth/tenants.service';
import { UsersService } from '../auth/users.service';
import { APP_CONFIG, type ResolvedAppConfig } from '../config/app-config';
import {
  TenantRetentionService,
  type TenantRetention,
} from '../lifecycle/tenant-retention.service';
import {
  RateLimitOverridesService,
  type RateLimitOverrides,
} from '../rate-limit/rate-limit-overrides.service';
import { DeviceRegistrationService } from '../microvisor/device-registration.service';
import { CallbackLog, type UndeliveredCallback } from '../twilio/callbacks/callback-log';
import { JOB_COMMANDS } from './job-commands';
import { UsageError, optional, positiveInteger, required, type Command } from './options';
import { SIM_COMMANDS } from './sim-commands';

const LIMIT_OPTIONS: [keyof RateLimitOverrides, string, string][] = [
  ['globalCapacity', 'global-capacity', 'tokens'],
  ['globalRefill', 'global-refill', 'tokens/s'],
  ['imeiCapacity', 'imei-capacity', 'tokens'],
  ['imeiRefill', 'imei-refill', 'tokens/s'],
];

const DEFAULT_CALLBACK_LIMIT = 20;

function callbackLines(callback: UndeliveredCallback): string {
  const attempts = `${callback.attempts} attempt${callback.attempts === 1 ? '' : 's'}`;
  const last =
    callback.lastStatus !== null ? `HTTP ${callback.lastStatus}` : (callback.lastError ?? 'none');
  return [
    `  ${callback.id}  ${callback.state} after ${attempts}  created ${callback.createdAt}`,
    `    ${callback.method} ${callback.url}  about ${callback.about}  last answer: ${last}`,
  ].join('\n');
}

export const COMMANDS: Record<string, Command> = {
  'tenant:create': {
    usage: 'tenant:create --name <name> [--slug <slug>] [--json]',
    async run(app, options) {
      const created = await app.get(TenantsService).createTenant({
        name: required(options, 'name'),
        slug: optional(options, 'slug'),
      });
      return {
        json: created,
        text: [
          `Tenant "${created.tenant}" created. Keep these secrets now: they are not shown again.`,
          `  user:        ${created.username} / ${created.password}`,
          `  API key:     ${created.apiKey}`,
          `  northbound:  ${created.northbound.username} / ${created.northbound.password}`,
          `  Account SID: ${created.accountSid}`,
          `  auth token:  ${created.authToken}`,
        ].join('\n'),
      };
    },
  },
  'tenant:list': {
    usage: 'tenant:list [--json]',
    async run(app) {
      const list = await app.get(TenantsService).listTenants();
      return {
        json: list,
        text: list.length
          ? list.map((t) => `${t.slug}\t${t.name}\t${t.accountSid}\t${t.createdAt}`).join('\n')
          : 'No tenants yet.',
      };
    },
  },
  'tenant:limits': {
    usage:
      'tenant:limits --tenant <slug> [--global-capacity N] [--global-refill N] ' +
      '[--imei-capacity N] [--imei-refill N] [--reset] [--json]',
    async run(app, options) {
      const slug = required(options, 'tenant');
      const changes: Partial<RateLimitOverrides> = {};
      for (const [field, option] of LIMIT_OPTIONS) {
        const value = positiveInteger(options, option);
        if (value !== undefined) changes[field] = value;
      }
      const reset = options.reset === true;
      const changed = reset || Object.keys(changes).length > 0;
      const limits = changed
        ? await app.get(RateLimitOverridesService).set(slug, changes, { reset })
        : await app.get(RateLimitOverridesService).get(slug);
      const lines = LIMIT_OPTIONS.map(
        ([field, option, unit]) =>
          `  ${option.padEnd(16)} ${limits[field] === null ? '(server default)' : `${limits[field]} ${unit}`}`,
      );
      return {
        json: { tenant: slug, limits },
        text: [
          `Telemetry rate limits of "${slug}":`,
          ...lines,
          ...(changed
            ? ['Running servers apply them within RATE_LIMIT_TENANT_CACHE_TTL seconds (default 5).']
            : []),
        ].join('\n'),
      };
    },
  },
  'tenant:retention': {
    usage: 'tenant:retention --tenant <slug> [--days N | --forever | --default] [--json]',
    async run(app, options) {
      const slug = required(options, 'tenant');
      const days = positiveInteger(options, 'days');
      const given: TenantRetention[] = [
        ...(days === undefined ? [] : [days]),
        ...(options.forever === true ? ['forever' as const] : []),
        ...(options.default === true ? [null] : []),
      ];
      if (given.length > 1) throw new UsageError('Give one of --days, --forever and --default');
      const retention =
        given.length === 1
          ? await app.get(TenantRetentionService).set(slug, given[0])
          : await app.get(TenantRetentionService).get(slug);
      const server = app.get<ResolvedAppConfig>(APP_CONFIG).lifecycle.retentionDays ?? 'forever';
      const kept = (value: number | 'forever') =>
        value === 'forever' ? 'forever' : `${value} days`;
      return {
        json: { tenant: slug, retention, serverRetention: server },
        text: [
          `Data of "${slug}" is kept ${retention === null ? `${kept(server)} (the server's RETENTION_DAYS)` : kept(retention)}.`,
          ...(given.length === 1 ? ['The data-lifecycle job applies it on its next run.'] : []),
        ].join('\n'),
      };
    },
  },
  'user:create': {
    usage: [
      `user:create --tenant <slug> --username <name> [--role ${USER_ROLES.join('|')}] [--json]`,
      ...USER_ROLES.map(
        (role) =>
          `      --role ${role}${role === DEFAULT_USER_ROLE ? ' (default)' : ''}: ${ROLE_ABILITIES[role]}`,
      ),
    ].join('\n'),
    async run(app, options) {
      const role = optional(options, 'role') ?? DEFAULT_USER_ROLE;
      if (!USER_ROLES.includes(role as UserRole))
        throw new UsageError(`--role must be one of ${USER_ROLES.join(', ')}`);
      const user = await app
        .get(UsersService)
        .create(required(options, 'tenant'), required(options, 'username'), role as UserRole);
      return {
        json: user,
        text: [
          `User created: ${user.username} / ${user.password}`,
          `Role ${role}: ${ROLE_ABILITIES[role as UserRole]}.`,
        ].join('\n'),
      };
    },
  },
  'apikey:create': {
    usage: 'apikey:create --tenant <slug> [--label <label>] [--json]',
    async run(app, options) {
      const key = await app
        .get(ApiKeysService)
        .create(required(options, 'tenant'), optional(options, 'label'));
      return { json: { apiKey: key.key, prefix: key.prefix }, text: `API key: ${key.key}` };
    },
  },
  'apikey:revoke': {
    usage: 'apikey:revoke --tenant <slug> --key <key or fh_prefix>',
    async run(app, options) {
      const revoked = await app
        .get(ApiKeysService)
        .revoke(required(options, 'tenant'), required(options, 'key'));
      if (!revoked) throw new UsageError('No active API key of that tenant matches --key');
      return {
        json: { revoked },
        text: 'API key revoked (running servers stop accepting it within AUTH_CACHE_TTL seconds).',
      };
    },
  },
  'northbound:create': {
    usage: 'northbound:create --tenant <slug> [--label <label>] [--json]',
    async run(app, options) {
      const credential = await app
        .get(NorthboundCredentialsService)
        .create(required(options, 'tenant'), optional(options, 'label'));
      return {
        json: credential,
        text: `Northbound credential: ${credential.username} / ${credential.password}`,
      };
    },
  },
  'northbound:revoke': {
    usage: 'northbound:revoke --tenant <slug> --username <username>',
    async run(app, options) {
      const revoked = await app
        .get(NorthboundCredentialsService)
        .revoke(required(options, 'tenant'), required(options, 'username'));
      if (!revoked)
        throw new UsageError('No active northbound credential of that tenant has that username');
      return { json: { revoked }, text: 'Northbound credential revoked.' };
    },
  },
  'callbacks:undelivered': {
    usage: `callbacks:undelivered --tenant <slug> [--limit N (default ${DEFAULT_CALLBACK_LIMIT})] [--json]`,
    async run(app, options) {
      const slug = required(options, 'tenant');
      const limit = positiveInteger(options, 'limit') ?? DEFAULT_CALLBACK_LIMIT;
      const callbacks = await app.get(CallbackLog).undelivered(slug, limit);
      return {
        json: callbacks,
        text: callbacks.length
          ? [
              `Latest callbacks of "${slug}" not delivered (pending or given up), newest first:`,
              ...callbacks.map(callbackLines),
            ].join('\n')
          : `No callback of "${slug}" is pending or given up.`,
      };
    },
  },
  'device:register': {
    usage: 'device:register --tenant <slug> [--unique-name <name>] [--json]',
    async run(app, options) {
      const device = await app
        .get(DeviceRegistrationService)
        .register(required(options, 'tenant'), optional(options, 'unique-name'));
      return {
        json: device,
        text: [
          `Microvisor device ${device.sid} registered. Keep its credential now: it is not shown again.`,
          `  credential: ${device.credential}`,
          '  It checks in with Authorization: Bearer <credential> (docs/api/microvisor.md).',
        ].join('\n'),
      };
    },
  },
  ...JOB_COMMANDS,
  ...SIM_COMMANDS,
};

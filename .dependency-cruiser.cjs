// @ts-check
/**
 * Which parts of src/ may import which, checked by `npm run lint:deps` (part of `npm run lint`).
 * Imports point one way, from the entry points down to configuration:
 *
 *   main.ts, app.module.ts, app.setup.ts, runtime.ts   the composition root: may import anything
 *   features    auth, rate-limit, telemetry, northbound, devices, lifecycle, metering, wireless,
 *               health, dashboard, cli, and any top-level folder not named below: the
 *               infrastructure and base layers, and other features only through their public
 *               entry points (PUBLIC below)
 *   queue       Bull behind one producer/processor pair: redis, metrics, common, config
 *   redis, database, metrics
 *               infrastructure: common and config only (database also lists every feature's
 *               entities: the schema the migrations build is theirs)
 *   common      small shared helpers: config only
 *   config      typed configuration: nothing of src
 *
 * Type-only imports count as much as any other (`tsPreCompilationDeps`): a type that must cross a
 * layer the wrong way belongs in the lower layer. No two files may import each other, directly or
 * through others, and neither may two top-level folders. Between features that leaves an order,
 * today: auth and metering first (metering counts the ingestion routes' traffic: ingestion counts
 * into it and wireless bills from it, neither knowing the other); devices and rate-limit on auth;
 * telemetry, northbound and lifecycle on those; twilio on auth; wireless on twilio and metering;
 * microvisor on twilio; health and dashboard on none; cli on top.
 */

const BASE = ['config', 'common'];
const INFRASTRUCTURE = ['redis', 'database', 'metrics', 'queue'];

/**
 * What a feature offers the others: its Nest module(s) and entities always, and the files listed
 * here, which hold the providers its module exports and the types and constants of their methods.
 * Everything else in a feature folder is its own business.
 */
const PUBLIC = {
  auth: [
    'decorators.ts',
    'principal.ts',
    'roles.ts',
    'failed-auth.limiter.ts',
    'tenant-request.limit.ts',
    'require-tenant.ts',
    'tenants.service.ts',
    'users.service.ts',
    'api-keys.service.ts',
    'northbound-credentials.service.ts',
    'tenant-auth-tokens.service.ts',
    'sealed-secret.ts',
  ],
  devices: ['device-data.ts', 'device-data.writer.ts', 'position-partitions.ts'],
  telemetry: ['telemetry.queue.ts'],
  northbound: ['northbound.queue.ts'],
  'rate-limit': ['telemetry-throttler.guard.ts', 'rate-limit-overrides.service.ts'],
  lifecycle: ['tenant-retention.service.ts'],
  metering: ['traffic-meter.ts'],
  microvisor: ['device-registration.service.ts'],
  // The Twilio conventions every Twilio-compatible API builds on; its guard stays inside, behind
  // `TwilioApi()`. The filter is public for routes under a Twilio mount that authenticate their own
  // way (the Wireless gateway's signed routes).
  twilio: [
    'twilio-api.decorator.ts',
    'form-encoding.ts',
    'form-params.ts',
    'json-body.ts',
    'paging.ts',
    'keyset-page.ts',
    'resource-url.ts',
    'sid.ts',
    'twilio-date.ts',
    'twilio-error.ts',
    'twilio-exception.filter.ts',
    // Outbound callbacks, which every Twilio-compatible API schedules.
    'callbacks/callbacks.module.ts',
    'callbacks/callback-sender.ts',
    'callbacks/callback-url.ts',
    'callbacks/callback-log.ts',
  ],
  wireless: [
    'sim-import.service.ts',
    'sim-status.queue.ts',
    'wireless.mapper.ts',
    'wireless-paths.ts',
  ],
};

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const PUBLIC_FILES = [
  '^src/[^/]+/[^/]+\\.module\\.ts$',
  '^src/[^/]+/entities/',
  ...Object.entries(PUBLIC).flatMap(([feature, files]) =>
    files.map((file) => `^src/${escapeRegExp(feature)}/${escapeRegExp(file)}$`),
  ),
];

const NOT_A_FEATURE = `(?!(?:${[...BASE, ...INFRASTRUCTURE].join('|')})/)`;
/** A file in a feature folder; the folder is the first group. */
const IN_FEATURE = `^src/${NOT_A_FEATURE}([^/]+)/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Two files that import each other, directly or through others.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      comment: "Two of src's top-level folders that import each other, directly or through others.",
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/[^/]+$' },
      to: { path: '^src/[^/]+$', circular: true },
    },
    {
      name: 'config-is-the-base',
      comment: 'Configuration is read by everything and reads nothing of src.',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/', pathNot: '^src/config/' },
    },
    {
      name: 'common-above-config-only',
      comment: 'Shared helpers know configuration and nothing else of src.',
      severity: 'error',
      from: { path: '^src/common/' },
      to: { path: '^src/', pathNot: '^src/(common|config)/' },
    },
    {
      name: 'infrastructure-below-features',
      comment: 'Redis, metrics and the database know nothing of the features built on them.',
      severity: 'error',
      from: { path: '^src/(redis|metrics)/' },
      to: { path: '^src/', pathNot: '^src/($1|common|config)/' },
    },
    {
      name: 'database-lists-entities-only',
      comment:
        "The data source lists every feature's entities, the schema the migrations build; " +
        'nothing else of a feature.',
      severity: 'error',
      from: { path: '^src/database/' },
      to: { path: '^src/', pathNot: ['^src/(database|common|config)/', '^src/[^/]+/entities/'] },
    },
    {
      name: 'queue-below-features',
      comment: 'The queue machinery serves every feature and knows none of them.',
      severity: 'error',
      from: { path: '^src/queue/' },
      to: { path: '^src/', pathNot: '^src/(queue|redis|metrics|common|config)/' },
    },
    {
      name: 'composition-root-on-top',
      comment:
        'Only the entry points import the composition root (src/*.ts); the CLI shares the ' +
        "server's runtime preparation.",
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: '^src/cli/main\\.ts$' },
      to: { path: '^src/[^/]+\\.ts$' },
    },
    {
      name: 'event-codes-plain-data',
      comment:
        "The dashboard's page bundles the event-code table (web/src/format.ts): it imports " +
        'nothing, so no server code (or Node module) reaches the browser.',
      severity: 'error',
      from: { path: '^src/telemetry/event-codes\\.ts$' },
      to: {},
    },
    {
      name: 'features-through-public-entry-points',
      comment:
        "A feature reaches another only through its module, its entities and the files listed in PUBLIC (this file's top).",
      severity: 'error',
      from: { path: IN_FEATURE },
      to: { path: IN_FEATURE, pathNot: ['^src/$1/', ...PUBLIC_FILES] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};

import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { TenantCredentials } from '../../src/auth/tenants.service';
import { CommandEntity } from '../../src/wireless/entities/command.entity';
import { RatePlanEntity } from '../../src/wireless/entities/rate-plan.entity';
import { SimEntity } from '../../src/wireless/entities/sim.entity';
import { oddBasic, oddText, percentEncoded, type HeaderLine } from '../factories/bad-input.factory';
import { northboundCredentials } from '../factories/northbound.factory';
import { createTenant, tenantIdOf } from '../factories/tenant.factory';
import { insertActiveSim, insertSim } from '../factories/wireless.factory';
import { exchangeAll, type HttpAnswer, type HttpExchange } from '../utils/http-exchange';
import { listeningUrl } from '../utils/listening-url';
import { seededRandom, type Random } from '../utils/prng';
import { createTestApp, type TestApp } from '../utils/test-app';
import { twilioAnswerProblems, twilioErrorProblems } from '../utils/twilio-schema';

/**
 * Bad input on every route of the Twilio-compatible APIs, seeded: form bodies with values of the
 * wrong type, past their range, out of their enum, 10 kB unique names, SID-shaped names, control
 * characters, broken percent-escapes, parameters given twice, other media types and bytes that
 * are not UTF-8; odd SIDs and names in paths, odd paging, odd credentials. Whatever comes in, the
 * answer is never a 5xx, a 4xx is always Twilio's error body, a 2xx is what the spec says, and
 * nothing is created, changed or deleted (a Sim update's form always carries a defect, the
 * writer's Sims are `new` on no rate plan, and only other accounts' Sims are asked to be deleted).
 *
 * CI runs the default seed; `FUZZ_SEED=<integer>` draws another run, and a failure names its seed.
 * (`bad-input-fuzz.e2e-spec.ts` does the same for every other route.)
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
if (!Number.isSafeInteger(SEED)) throw new Error(`FUZZ_SEED must be an integer`);

const CONCURRENCY = 4;
const RATE_PLANS = '/wireless/v1/RatePlans';
const SIMS = '/wireless/v1/Sims';
const COMMANDS = '/wireless/v1/Commands';
const USAGE_RECORDS = '/wireless/v1/UsageRecords';
const FORM_TYPE: HeaderLine = ['Content-Type', 'application/x-www-form-urlencoded'];

interface Plan {
  sid: string;
  uniqueName: string;
}

interface Sim {
  sid: string;
  uniqueName: string;
}

interface Fixtures {
  /** Sends every request: none of them may change any of its rate plans. */
  writer: TenantCredentials;
  writerPlans: Plan[];
  writerSims: Sim[];
  /** A plan of the writer's that a Sim uses: deleting it is refused. */
  usedPlan: Plan;
  /** Another account: its plans must stay out of the writer's reach. */
  other: TenantCredentials;
  otherPlans: Plan[];
  /** Sims of the writer's that updates address: `new`, on no rate plan, so no status is taken. */
  bareSims: Sim[];
  /** Commands of the writer's (to its Sim `fuzz-sim`) and of the other account's. */
  writerCommands: string[];
  otherCommands: string[];
  otherSims: Sim[];
}

interface Draft {
  label: string;
  method: 'GET' | 'POST' | 'DELETE';
  target: string;
  headers: HeaderLine[];
  body?: Buffer;
}

interface FuzzRoute {
  method: Draft['method'];
  /** As the OpenAPI document names it. */
  path: string;
  requests: number;
  draw(random: Random, fx: Fixtures): Draft;
}

// ---------------------------------------------------------------------------------------------
// Parameters: values each one takes, and values it must refuse
// ---------------------------------------------------------------------------------------------

const hex32 = () => randomBytes(16).toString('hex');
const LIMITS = ['DataLimit', 'NationalRoamingDataLimit', 'InternationalRoamingDataLimit'];
const BOOLEANS = ['DataEnabled', 'MessagingEnabled', 'VoiceEnabled', 'NationalRoamingEnabled'];
const RATE_PLAN_PARAMS = [
  ...LIMITS,
  ...BOOLEANS,
  'DataMetering',
  'DataLimitStrategy',
  'FriendlyName',
  'UniqueName',
  'InternationalRoaming',
];
const COMMAND_PARAMS = [
  'Command',
  'Sim',
  'CommandMode',
  'IncludeSid',
  'DeliveryReceiptRequested',
  'CallbackUrl',
  'CallbackMethod',
];

/** Values the create operation takes, to go beside a defect. */
const VALID: Record<string, string[]> = {
  ...Object.fromEntries(LIMITS.map((name) => [name, ['0', '1000', '2000000']])),
  ...Object.fromEntries(BOOLEANS.map((name) => [name, ['true', 'false', 'TRUE']])),
  DataMetering: ['payg', 'quota-1', 'quota-10', 'quota-50'],
  DataLimitStrategy: ['block', 'throttle'],
  FriendlyName: ['', 'Fleet plan', 'été 🚗', 'a+b&c=d'],
  UniqueName: ['fuzz-plan', 'plan à 10 €'],
  InternationalRoaming: ['data', 'messaging', 'voice'],
  Command: ['hello', 'reboot now', 'AAEC'],
  Sim: ['fuzz-sim'],
  CommandMode: ['text', 'binary'],
  IncludeSid: ['none', 'start', 'end'],
  DeliveryReceiptRequested: ['true', 'false'],
  CallbackUrl: ['https://example.com/commands'],
  CallbackMethod: ['GET', 'POST'],
};

/** Values each parameter must refuse, as text (encoded when sent). */
const REFUSED: Record<string, string[]> = {
  ...Object.fromEntries(
    LIMITS.map((name) => [
      name,
      ['-1', '2000001', '9'.repeat(400), '1.5', '1e3', '', ' 1', '+5', '0x10', 'NaN', '١٢'],
    ]),
  ),
  ...Object.fromEntries(
    BOOLEANS.map((name) => [name, ['yes', '1', '', 'tru', 'true ', 'on', 'true\u0000']]),
  ),
  DataMetering: ['', 'gold', 'PAYG', 'payg ', 'quota-100', 'block'],
  DataLimitStrategy: ['', 'slow', 'BLOCK', 'block,throttle', 'payg'],
  FriendlyName: ['f'.repeat(65), 'f'.repeat(10_240), 'a\u0000b', '\u001b[31mred', 'a\r\nb'],
  UniqueName: [
    '',
    'u'.repeat(65),
    'u'.repeat(10_240),
    `WP${hex32()}`,
    `DE${hex32()}`,
    `AC${hex32().toUpperCase()}`,
    'a\u0000b',
    'a\u0007b',
    'a\u0085b',
  ],
  InternationalRoaming: ['sms', '', 'data,messaging', 'DATA', ' data'],
  Command: [
    '',
    'x'.repeat(161),
    '🚚'.repeat(161),
    'c'.repeat(10_240),
    'a\u0000b',
    '\u001b[31mred',
    'a\r\nb',
  ],
  Sim: ['', 's'.repeat(65), 's'.repeat(10_240), 'no-such-sim', `DE${hex32()}`, 'others-sim'],
  CommandMode: ['', 'TEXT', 'hex', 'text '],
  IncludeSid: ['', 'both', 'START', 'none '],
  DeliveryReceiptRequested: ['yes', '1', '', 'true '],
  CallbackUrl: [
    '',
    'ftp://example.com/x',
    'example.com/x',
    'javascript:alert(1)',
    `https://${'a'.repeat(2048)}.example`,
  ],
  CallbackMethod: ['', 'PUT', 'get', 'HEAD'],
};

const METHODS = ['CallbackMethod', 'CommandsCallbackMethod', 'SmsMethod', 'VoiceMethod'];
const URLS = ['CallbackUrl', 'CommandsCallbackUrl', 'SmsUrl', 'SmsFallbackUrl', 'VoiceUrl'];

/** Values a Sim update takes beside a defect: none of them changes its status. */
const VALID_SIM: Record<string, string[]> = {
  ...Object.fromEntries(METHODS.map((name) => [name, ['GET', 'POST']])),
  ...Object.fromEntries(URLS.map((name) => [name, ['https://example.com/a?b=c', 'http://x.io']])),
  FriendlyName: VALID.FriendlyName,
  UniqueName: ['fuzz-sim', 'sim à 10 €'],
};

/** Values each Sim parameter must refuse. */
const REFUSED_SIM: Record<string, string[]> = {
  ...Object.fromEntries(METHODS.map((name) => [name, ['', 'PUT', 'get', 'POST ', 'HEAD']])),
  ...Object.fromEntries(
    URLS.map((name) => [
      name,
      [
        '',
        'ftp://example.com/x',
        'javascript:alert(1)',
        '/relative',
        'not a url',
        `https://x.io/${'a'.repeat(2048)}`,
      ],
    ]),
  ),
  FriendlyName: REFUSED.FriendlyName,
  UniqueName: REFUSED.UniqueName,
  Status: [
    '',
    'lost',
    'ACTIVE',
    'active ',
    'deleted',
    'suspended',
    'canceled',
    'scheduled',
    'updating',
    'ready',
    'active',
  ],
  ResetStatus: ['', 'reset', 'RESETTING', 'resetting'],
  RatePlan: ['r'.repeat(65), 'no-such-plan', `WP${hex32()}`, 'a\u0000b'],
  AccountSid: [`AC${hex32()}`, 'x'.repeat(35), 'a\u0007b'],
};

/** Escapes a form value cannot hold: broken, or bytes that are not UTF-8. */
const BROKEN_ESCAPES = ['%', '%G1', 'a%zz', '%FF', '%C3%28', '%ED%A0%80', '%E0%A4%A', '%C0%AF'];

/** Parameter names the operations do not take: ignored, never a reason to refuse or fail. */
const ODD_NAMES = [
  'Unknown',
  'dataLimit',
  'Data Limit',
  '__proto__',
  'constructor',
  'toString',
  '',
];

const encode = (text: string) => encodeURIComponent(text);

/**
 * Odd text as a well-formed request carries it (printable ASCII: the rest percent-encoded). A
 * request Node cannot parse is answered before any route, in the `/apidev/v1` envelope whatever
 * its path: `bad-input-fuzz.e2e-spec.ts` sends those.
 */
function oddButWellFormed(random: Random): { label: string; value: string } {
  for (;;) {
    const drawn = oddText(random);
    if (/^[\x21-\x7e]*$/.test(drawn.value)) return drawn;
  }
}

/** A parameter as the body carries it: name and value, both encoded. */
type Pair = [encodedName: string, encodedValue: string];

/**
 * A defect that makes the operation refuse the body, whatever else it holds; `target` is the plan
 * the request addresses, if it is one of the writer's.
 */
type Defect = (
  random: Random,
  fx: Fixtures,
  names: string[],
  target?: Plan,
) => { label: string; pairs: Pair[] };

/** A value the parameter must refuse, from `table`. */
const refusedValueIn =
  (table: Record<string, string[]>): Defect =>
  (random, _fx, names) => {
    const name = random.pick(names);
    const value = random.pick(table[name]);
    return {
      label: `${name} ${JSON.stringify(value.slice(0, 20))}${value.length > 20 ? `… (${value.length})` : ''}`,
      pairs: [[encode(name), encode(value)]],
    };
  };
const refusedValue = refusedValueIn(REFUSED);

/** A parameter that takes one value given two of `table`'s. */
const givenTwiceIn =
  (table: Record<string, string[]>): Defect =>
  (random, _fx, names) => {
    const name = random.pick(
      names.filter((candidate) => candidate !== 'InternationalRoaming' && candidate in table),
    );
    const [first, second] = [random.pick(table[name]), random.pick(table[name])];
    return {
      label: `${name} twice`,
      pairs: [
        [encode(name), encode(first)],
        [encode(name), encode(second)],
      ],
    };
  };
const givenTwice = givenTwiceIn(VALID);

const brokenEscape: Defect = (random, _fx, names) => {
  const escape = random.pick(BROKEN_ESCAPES);
  const inName = random.chance(0.3);
  return {
    label: `broken escape ${escape} in a ${inName ? 'name' : 'value'}`,
    pairs: [inName ? [`${escape}Name`, 'x'] : [encode(random.pick(names)), `a${escape}`]],
  };
};

const takenUniqueName: Defect = (random, fx, _names, target) => ({
  label: 'a unique name another plan has',
  pairs: [
    [
      'UniqueName',
      encode(random.pick(fx.writerPlans.filter((plan) => plan !== target)).uniqueName),
    ],
  ],
});

const takenSimName: Defect = (random, fx, _names, target) => ({
  label: 'a unique name another Sim has',
  pairs: [
    [
      'UniqueName',
      encode(
        random.pick([...fx.bareSims, ...fx.writerSims].filter((sim) => sim !== target)).uniqueName,
      ),
    ],
  ],
});

const statusWithReset: Defect = () => ({
  label: 'Status and ResetStatus together',
  pairs: [
    ['Status', 'deactivated'],
    ['ResetStatus', 'resetting'],
  ],
});

const repeatedRoamingService: Defect = () => ({
  label: 'a roaming service twice',
  pairs: [
    ['InternationalRoaming', 'data'],
    ['InternationalRoaming', 'data'],
  ],
});

function shuffle<T>(random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/**
 * A form body the operation must refuse: a defect, some valid parameters beside it (never the
 * defect's own), parameters it ignores; sent as a form, or gzip-compressed, or in a way that is
 * refused whatever it holds (another media type, a charset, bytes that are not UTF-8).
 */
function refusedForm(
  random: Random,
  fx: Fixtures,
  names: string[],
  defects: Defect[],
  target?: Plan,
  validValues: Record<string, string[]> = VALID,
): Pick<Draft, 'label' | 'headers' | 'body'> {
  const defect = random.pick(defects)(random, fx, names, target);
  const taken = new Set(defect.pairs.map(([name]) => name));
  const valid = names
    .filter((name) => name in validValues && !taken.has(encode(name)) && random.chance(0.4))
    .map((name): Pair => [encode(name), encode(random.pick(validValues[name]))]);
  // Odd text comes encoded, as a request target carries it.
  const ignored: Pair[] = random.chance(0.3)
    ? [[encode(random.pick(ODD_NAMES)), oddButWellFormed(random).value]]
    : [];
  const text = shuffle(random, [...defect.pairs, ...valid, ...ignored])
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const way = random.int(10);
  if (way === 0) {
    return {
      label: `${defect.label}; gzip`,
      headers: [FORM_TYPE, ['Content-Encoding', 'gzip']],
      body: gzipSync(text),
    };
  }
  if (way === 1) {
    const type = random.pick([
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded; charset=iso-8859-1',
      'multipart/form-data; boundary=x',
    ]);
    return {
      label: `any body as ${type}`,
      headers: [['Content-Type', type]],
      body: Buffer.from(text),
    };
  }
  if (way === 2) {
    return {
      label: 'bytes that are not UTF-8',
      headers: [FORM_TYPE],
      body: Buffer.concat([
        Buffer.from('FriendlyName=a'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from(`&${text}`),
      ]),
    };
  }
  return { label: defect.label, headers: [FORM_TYPE], body: Buffer.from(text) };
}

// ---------------------------------------------------------------------------------------------
// Paths: a rate plan of the writer's, or anything else
// ---------------------------------------------------------------------------------------------

/** A path segment naming no plan of the writer's that a write could touch. */
function foreignPlan(random: Random, fx: Fixtures): { label: string; value: string } {
  const other = random.pick(fx.otherPlans);
  return random.pick([
    { label: "the other account's SID", value: other.sid },
    { label: "the other account's unique name", value: percentEncoded(other.uniqueName) },
    { label: 'an unknown SID', value: `WP${hex32()}` },
    { label: 'a SID of another resource', value: `DE${hex32()}` },
    { label: '10 kB name', value: 'n'.repeat(10_240) },
    oddButWellFormed(random),
  ]);
}

/** A path segment naming no Command of the writer's. */
function foreignCommand(random: Random, fx: Fixtures): { label: string; value: string } {
  return random.pick([
    { label: "the other account's Command", value: random.pick(fx.otherCommands) },
    { label: 'an unknown SID', value: `DC${hex32()}` },
    { label: 'a SID of another resource', value: `DE${hex32()}` },
    { label: '10 kB name', value: 'n'.repeat(10_240) },
    oddButWellFormed(random),
  ]);
}

function ownPlan(random: Random, fx: Fixtures): { label: string; value: string; plan: Plan } {
  const plan = random.pick(fx.writerPlans);
  return random.chance(0.5)
    ? { label: 'own SID', value: plan.sid, plan }
    : { label: 'own unique name', value: percentEncoded(plan.uniqueName), plan };
}

/** A path segment naming no Sim of the writer's that a write could touch. */
function foreignSim(random: Random, fx: Fixtures): { label: string; value: string } {
  const other = random.pick(fx.otherSims);
  return random.pick([
    { label: "the other account's Sim SID", value: other.sid },
    { label: "the other account's Sim name", value: percentEncoded(other.uniqueName) },
    { label: 'an unknown SID', value: `DE${hex32()}` },
    { label: 'a SID of another resource', value: `WP${hex32()}` },
    { label: '10 kB name', value: 'n'.repeat(10_240) },
    oddButWellFormed(random),
  ]);
}

function ownSim(random: Random, fx: Fixtures): { label: string; value: string; plan: Plan } {
  const sim = random.pick(fx.bareSims);
  return random.chance(0.5)
    ? { label: 'own Sim SID', value: sim.sid, plan: sim }
    : { label: 'own Sim name', value: percentEncoded(sim.uniqueName), plan: sim };
}

/** The filters of the Sims list: values it takes, and odd ones (as a request target holds them). */
const SIM_FILTERS: Record<string, { valid: string[]; odd: string[] }> = {
  Status: { valid: ['new', 'active', 'scheduled'], odd: ['', 'lost', 'NEW', 'new%20'] },
  Iccid: { valid: ['89014103211118510720', 'x'], odd: ['i'.repeat(65), 'a%00b'] },
  RatePlan: { valid: ['alpha', `WP${hex32()}`, 'none'], odd: ['r'.repeat(65), '%07'] },
  EId: { valid: ['89034011560010000000000000000121'], odd: ['e'.repeat(65)] },
  SimRegistrationCode: { valid: ['REG-1'], odd: ['s'.repeat(65), 'a%1Bb'] },
};

const PAGING: Record<string, { valid: string[]; odd: string[] }> = {
  PageSize: {
    valid: ['1', '2', '50', '1000'],
    odd: ['0', '1001', '-1', 'ten', '', '1e3', '99999999999999999999'],
  },
  Page: { valid: ['0', '1', '7'], odd: ['-1', 'x', '1.5', ''] },
  PageToken: {
    valid: [],
    odd: [
      '',
      'PA',
      'PB',
      'PAxyz',
      'PA%00',
      `PA${'A'.repeat(600)}`,
      `PA${Buffer.from('["a","b"]').toString('base64url')}`,
    ],
  },
};

/** The filters of GET /Commands: values it takes, values it refuses. */
const COMMAND_FILTERS: Record<string, { valid: string[]; odd: string[] }> = {
  Sim: { valid: ['fuzz-sim', 'others-sim', 'none-such'], odd: ['s'.repeat(65), 'a%00b'] },
  Status: { valid: ['queued', 'received'], odd: ['', 'lost', 'QUEUED'] },
  Direction: { valid: ['to_sim', 'from_sim'], odd: ['', 'both'] },
  Transport: { valid: ['sms', 'ip'], odd: ['', 'mqtt'] },
};

/** The query parameters of the UsageRecords lists, beside the paging ones (as a query carries them). */
const USAGE_QUERY: Record<string, { valid: string[]; odd: string[] }> = {
  Start: {
    valid: ['2026-01-01T00:00:00Z', '2025-12-31T23:59:59%2B02:00', '1970-01-01T00:00:00Z'],
    odd: ['', 'yesterday', '2026-02-30T00:00:00Z', '2026-01-01', '2026-01-01T00:00:00', '1e9'],
  },
  End: {
    valid: ['2026-04-04T10:30:00.5Z', '2026-01-02T00:00:00Z', '2030-06-01T12:00:00-05:00'],
    odd: ['', 'now', '2026-01-01T25:00:00Z', '20260101T000000Z', '2026-13-01T00:00:00Z'],
  },
  Granularity: {
    valid: ['hourly', 'daily', 'all'],
    odd: ['', 'weekly', 'HOURLY', 'hourly%20', 'all,daily'],
  },
};

/**
 * A query string of some of `params` (values as a query carries them), each valid or odd, and now
 * and then a parameter the route ignores.
 */
function drawQuery(
  random: Random,
  params: Record<string, { valid: string[]; odd: string[] }>,
): { label: string; query: string } {
  const labels: string[] = [];
  const pairs: string[] = [];
  for (const [name, values] of Object.entries(params)) {
    if (!random.chance(0.5)) continue;
    const odd = values.valid.length === 0 || random.chance(0.5);
    const value = odd ? random.pick(values.odd) : random.pick(values.valid);
    labels.push(`${name} ${odd ? 'odd' : 'valid'} ${JSON.stringify(value.slice(0, 20))}`);
    pairs.push(`${name}=${value}`);
  }
  if (random.chance(0.3)) {
    const odd = oddButWellFormed(random);
    labels.push(`an ignored parameter, ${odd.label}`);
    pairs.push(`${encode(random.pick(ODD_NAMES))}=${odd.value}`);
  }
  return {
    label: labels.join(', ') || 'no query',
    query: pairs.length > 0 ? `?${pairs.join('&')}` : '',
  };
}

/** A Sim as a path names it: the writer's (by SID or unique name), or one it has no Sim of. */
function simInPath(random: Random, fx: Fixtures): { label: string; value: string } {
  if (random.chance(0.5)) {
    const sim = random.pick(fx.writerSims);
    return random.chance(0.5)
      ? { label: 'own Sim SID', value: sim.sid }
      : { label: 'own Sim unique name', value: percentEncoded(sim.uniqueName) };
  }
  return foreignSim(random, fx);
}

/** A list's query: some of `params` (valid or odd), maybe an ignored one. */
function listQuery(
  random: Random,
  path: string,
  params: Record<string, { valid: string[]; odd: string[] }>,
): Draft {
  const { label, query } = drawQuery(random, params);
  return { label, method: 'GET', target: `${path}${query}`, headers: [] };
}

/** Every Twilio-compatible route, and how its requests are drawn. A new route needs a row. */
const ROUTES: FuzzRoute[] = [
  {
    method: 'POST',
    path: RATE_PLANS,
    requests: 80,
    draw: (random, fx) => ({
      method: 'POST',
      target: RATE_PLANS,
      ...refusedForm(random, fx, RATE_PLAN_PARAMS, [
        refusedValue,
        refusedValue,
        refusedValue,
        givenTwice,
        brokenEscape,
        takenUniqueName,
        repeatedRoamingService,
      ]),
    }),
  },
  {
    method: 'POST',
    path: `${RATE_PLANS}/{Sid}`,
    requests: 50,
    draw: (random, fx) => {
      const own = random.chance(0.8) ? ownPlan(random, fx) : undefined;
      const plan = own ?? foreignPlan(random, fx);
      const form = refusedForm(
        random,
        fx,
        ['UniqueName', 'FriendlyName'],
        [refusedValue, refusedValue, givenTwice, brokenEscape, takenUniqueName],
        own?.plan,
      );
      return {
        ...form,
        label: `${plan.label}; ${form.label}`,
        method: 'POST',
        target: `${RATE_PLANS}/${plan.value}`,
      };
    },
  },
  {
    method: 'DELETE',
    path: `${RATE_PLANS}/{Sid}`,
    requests: 30,
    draw: (random, fx) => {
      const plan = random.chance(0.25)
        ? { label: 'own plan that Sims use', value: fx.usedPlan.sid }
        : foreignPlan(random, fx);
      return {
        label: plan.label,
        method: 'DELETE',
        target: `${RATE_PLANS}/${plan.value}`,
        headers: [],
      };
    },
  },
  {
    method: 'GET',
    path: RATE_PLANS,
    requests: 40,
    draw: (random) => listQuery(random, RATE_PLANS, PAGING),
  },
  {
    method: 'GET',
    path: USAGE_RECORDS,
    requests: 40,
    draw: (random) => listQuery(random, USAGE_RECORDS, { ...USAGE_QUERY, ...PAGING }),
  },
  {
    method: 'GET',
    path: `${SIMS}/{SimSid}/UsageRecords`,
    requests: 40,
    draw: (random, fx) => {
      const sim = simInPath(random, fx);
      const { label, query } = drawQuery(random, { ...USAGE_QUERY, ...PAGING });
      return {
        label: `${sim.label}; ${label}`,
        method: 'GET',
        target: `${SIMS}/${sim.value}/UsageRecords${query}`,
        headers: [],
      };
    },
  },
  {
    method: 'GET',
    path: `${SIMS}/{SimSid}/DataSessions`,
    requests: 30,
    draw: (random, fx) => {
      const sim = simInPath(random, fx);
      const { label, query } = drawQuery(random, PAGING);
      return {
        label: `${sim.label}; ${label}`,
        method: 'GET',
        target: `${SIMS}/${sim.value}/DataSessions${query}`,
        headers: [],
      };
    },
  },
  {
    method: 'GET',
    path: `${RATE_PLANS}/{Sid}`,
    requests: 30,
    draw: (random, fx) => {
      const plan = random.chance(0.4) ? ownPlan(random, fx) : foreignPlan(random, fx);
      return {
        label: plan.label,
        method: 'GET',
        target: `${RATE_PLANS}/${plan.value}`,
        headers: [],
      };
    },
  },
  {
    method: 'POST',
    path: `${SIMS}/{Sid}`,
    requests: 60,
    draw: (random, fx) => {
      const own = random.chance(0.8) ? ownSim(random, fx) : undefined;
      const sim = own ?? foreignSim(random, fx);
      const refusedSimValue = refusedValueIn(REFUSED_SIM);
      const form = refusedForm(
        random,
        fx,
        Object.keys(REFUSED_SIM),
        [
          refusedSimValue,
          refusedSimValue,
          refusedSimValue,
          givenTwiceIn(VALID_SIM),
          brokenEscape,
          takenSimName,
          statusWithReset,
        ],
        own?.plan,
        VALID_SIM,
      );
      return {
        ...form,
        label: `${sim.label}; ${form.label}`,
        method: 'POST',
        target: `${SIMS}/${sim.value}`,
      };
    },
  },
  {
    method: 'POST',
    path: COMMANDS,
    requests: 80,
    draw: (random, fx) => ({
      method: 'POST',
      target: COMMANDS,
      ...refusedForm(random, fx, COMMAND_PARAMS, [
        refusedValue,
        refusedValue,
        refusedValue,
        givenTwice,
        brokenEscape,
      ]),
    }),
  },
  {
    method: 'GET',
    path: COMMANDS,
    requests: 40,
    draw: (random) => listQuery(random, COMMANDS, { ...COMMAND_FILTERS, ...PAGING }),
  },
  {
    method: 'GET',
    path: `${COMMANDS}/{Sid}`,
    requests: 30,
    draw: (random, fx) => {
      const command = random.chance(0.4)
        ? { label: 'own Command', value: random.pick(fx.writerCommands) }
        : foreignCommand(random, fx);
      return {
        label: command.label,
        method: 'GET',
        target: `${COMMANDS}/${command.value}`,
        headers: [],
      };
    },
  },
  {
    method: 'DELETE',
    path: `${SIMS}/{Sid}`,
    requests: 25,
    draw: (random, fx) => {
      const sim = foreignSim(random, fx);
      return { label: sim.label, method: 'DELETE', target: `${SIMS}/${sim.value}`, headers: [] };
    },
  },
  {
    method: 'GET',
    path: SIMS,
    requests: 40,
    // Filters or paging: all of them at once would rarely be all valid, and reach a page.
    draw: (random) => listQuery(random, SIMS, random.chance(0.5) ? SIM_FILTERS : PAGING),
  },
  {
    method: 'GET',
    path: `${SIMS}/{Sid}`,
    requests: 30,
    draw: (random, fx) => {
      const sim = random.chance(0.4) ? ownSim(random, fx) : foreignSim(random, fx);
      return { label: sim.label, method: 'GET', target: `${SIMS}/${sim.value}`, headers: [] };
    },
  },
  {
    method: 'DELETE',
    path: `${COMMANDS}/{Sid}`,
    requests: 30,
    draw: (random, fx) => {
      const command = foreignCommand(random, fx);
      return {
        label: command.label,
        method: 'DELETE',
        target: `${COMMANDS}/${command.value}`,
        headers: [],
      };
    },
  },
];

const basic = (user: string, password: string): HeaderLine => [
  'Authorization',
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
];

/** The writer's credentials, or (now and then) credentials that must be refused. */
function credentials(random: Random, fx: Fixtures): { label?: string; headers: HeaderLine[] } {
  const { writer, other } = fx;
  if (!random.chance(0.12)) return { headers: [basic(writer.accountSid, writer.authToken)] };
  const odd = random.pick<{ label: string; headers: HeaderLine[] }>([
    { label: 'no credentials', headers: [] },
    { label: "another account's token", headers: [basic(writer.accountSid, other.authToken)] },
    { label: 'northbound credentials', headers: [basic(...northboundCredentials(writer))] },
    { label: 'token with a suffix', headers: [basic(writer.accountSid, `${writer.authToken}x`)] },
    {
      label: 'odd Basic',
      headers: [['Authorization', oddBasic(random, writer.accountSid, writer.authToken).value]],
    },
  ]);
  return { label: `credentials: ${odd.label}`, headers: odd.headers };
}

interface FuzzCase extends HttpExchange {
  index: number;
  route: FuzzRoute;
  label: string;
}

function drawCases(random: Random, fx: Fixtures): FuzzCase[] {
  const cases: FuzzCase[] = [];
  for (const route of ROUTES) {
    for (let i = 0; i < route.requests; i++) {
      const draft = route.draw(random, fx);
      const auth = credentials(random, fx);
      cases.push({
        index: cases.length,
        route,
        label: [draft.label, auth.label].filter(Boolean).join('; '),
        method: draft.method,
        target: draft.target,
        headers: [...auth.headers, ...draft.headers],
        body: draft.body,
      });
    }
  }
  return cases;
}

interface Outcome {
  fuzzCase: FuzzCase;
  answer?: HttpAnswer;
  error?: string;
}

const describeOutcome = ({ fuzzCase: c, answer, error }: Outcome) =>
  `#${c.index} ${c.method} ${JSON.stringify(c.target.slice(0, 200))} [${c.label}] → ` +
  (answer ? `${answer.status} ${answer.body.slice(0, 240)}` : `no answer: ${error}`);

const parsed = (answer: HttpAnswer): unknown => {
  try {
    return answer.body === '' ? '' : (JSON.parse(answer.body) as unknown);
  } catch {
    return answer.body;
  }
};

describe(`bad input on every Twilio-compatible route (seeded fuzz, seed ${SEED})`, () => {
  let testApp: TestApp;
  let origin: string;
  let fx: Fixtures;
  let outcomes: Outcome[];
  let plansBefore: unknown[];
  let simsBefore: unknown[];
  const errorsLogged: unknown[][] = [];

  let commandsBefore: unknown[];

  const allPlans = () =>
    testApp.dataSource.getRepository(RatePlanEntity).find({ order: { sid: 'ASC' } });
  const allSims = () => testApp.dataSource.getRepository(SimEntity).find({ order: { sid: 'ASC' } });
  const allCommands = () =>
    testApp.dataSource.getRepository(CommandEntity).find({ order: { sid: 'ASC' } });

  beforeAll(async () => {
    testApp = await createTestApp({
      env: {
        // Inputs are under test here, not limits: a 429 would be a finding.
        RATE_LIMIT_API_PER_MINUTE: '1000000',
        RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '1000000',
      },
    });
    origin = await listeningUrl(testApp);
    const port = Number(new URL(origin).port);

    const writer = await createTenant(testApp, 'Twilio Fuzz Writer');
    const other = await createTenant(testApp, 'Twilio Fuzz Other');
    const createPlans = async (tenant: TenantCredentials, names: string[]) => {
      const plans: Plan[] = [];
      for (const uniqueName of names) {
        const response = await testApp.http
          .post(RATE_PLANS)
          .auth(tenant.accountSid, tenant.authToken)
          .type('form')
          .send({ UniqueName: uniqueName, FriendlyName: 'seeded' })
          .expect(201);
        plans.push({ sid: (response.body as { sid: string }).sid, uniqueName });
      }
      return plans;
    };
    const writerPlans = await createPlans(writer, ['alpha', 'beta plan', 'été', 'in-use']);
    const writerId = await tenantIdOf(testApp, writer.tenant);
    const otherId = await tenantIdOf(testApp, other.tenant);
    const writerSims = [
      await insertSim(testApp, writerId, {
        ratePlanSid: writerPlans[3].sid,
        uniqueName: 'tracker one',
        imei: '352093081234567',
      }),
      await insertSim(testApp, writerId, { uniqueName: 'été' }),
    ];
    const otherSims = [await insertSim(testApp, otherId, { uniqueName: 'theirs only' })];
    const asSim = ({ sid, uniqueName }: SimEntity): Sim => ({ sid, uniqueName: uniqueName! });
    const insertSims = async (tenant: TenantCredentials, names: string[]) => {
      const tenantId = await tenantIdOf(testApp, tenant.tenant);
      const sims: Sim[] = [];
      for (const uniqueName of names) {
        const { sid } = await insertSim(testApp, tenantId, { uniqueName });
        sims.push({ sid, uniqueName });
      }
      return sims;
    };
    // A Sim each, and Commands to it (no transport: they stay queued).
    const createCommands = async (tenant: TenantCredentials, sim: string) => {
      await insertActiveSim(testApp, await tenantIdOf(testApp, tenant.tenant), { uniqueName: sim });
      const sids: string[] = [];
      for (const command of ['first', 'second']) {
        const response = await testApp.http
          .post(COMMANDS)
          .auth(tenant.accountSid, tenant.authToken)
          .type('form')
          .send({ Command: command, Sim: sim })
          .expect(201);
        sids.push((response.body as { sid: string }).sid);
      }
      return sids;
    };
    fx = {
      writer,
      writerPlans,
      writerSims: writerSims.map(asSim),
      otherSims: otherSims.map(asSim),
      usedPlan: writerPlans[3],
      other,
      // Names the writer has none of: a write by one of them must reach no plan of the writer's.
      otherPlans: await createPlans(other, ['others-only', 'gamma']),
      bareSims: await insertSims(writer, ['sim-a', 'sim b', 'sïm']),
      writerCommands: await createCommands(writer, 'fuzz-sim'),
      otherCommands: await createCommands(other, 'others-sim'),
    };
    plansBefore = await allPlans();
    simsBefore = await allSims();
    commandsBefore = await allCommands();

    const cases = drawCases(seededRandom(SEED), fx);
    const logged = jest
      .spyOn(Logger.prototype, 'error')
      .mockImplementation((...args: unknown[]) => void errorsLogged.push(args));
    outcomes = (await exchangeAll(port, cases, CONCURRENCY)).map((result, index) => ({
      fuzzCase: cases[index],
      ...result,
    }));
    logged.mockRestore();
  }, 180_000);

  afterAll(async () => {
    await testApp?.close();
  });

  const expectNone = (findings: string[]) =>
    expect({ seed: SEED, findings: findings.slice(0, 25), count: findings.length }).toEqual({
      seed: SEED,
      findings: [],
      count: 0,
    });

  it('has a row for every Twilio-compatible route of the OpenAPI document', async () => {
    const document = (await testApp.http.get('/docs/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(document.paths)
      .filter(([path]) => /^\/(wireless|microvisor)\//.test(path))
      .flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      );
    const rows = ROUTES.map((route) => `${route.method} ${route.path}`);
    expect([...new Set(rows)].sort()).toEqual(documented.sort());
  });

  it('answers every request, never with a 5xx, a 408 or a 429', () => {
    const statuses = new Map<number, number>();
    for (const { answer } of outcomes) {
      if (answer) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    }
    process.stdout.write(
      `Twilio bad-input fuzz: seed ${SEED}, ${outcomes.length} requests, by status: ` +
        `${JSON.stringify(Object.fromEntries([...statuses].sort()))}\n`,
    );
    expectNone(
      outcomes
        .filter(
          ({ answer }) => !answer || answer.status >= 500 || [408, 429].includes(answer.status),
        )
        .map(describeOutcome),
    );
  });

  it("answers every 4xx with Twilio's error body, its status matching", () => {
    expectNone(
      outcomes
        .filter(({ answer }) => answer && answer.status >= 400 && answer.status < 500)
        .flatMap((outcome) =>
          twilioErrorProblems(outcome.answer!.status, parsed(outcome.answer!)).map(
            (problem) => `${problem}: ${describeOutcome(outcome)}`,
          ),
        ),
    );
  });

  it('answers every success as the spec shapes it', () => {
    expectNone(
      outcomes
        .filter(({ answer }) => answer && answer.status < 300)
        .flatMap((outcome) =>
          twilioAnswerProblems('wireless', {
            method: outcome.fuzzCase.method,
            url: `${origin}${outcome.fuzzCase.target}`,
            status: outcome.answer!.status,
            body: parsed(outcome.answer!),
          }),
        ),
    );
  });

  it('refuses every write (4xx)', () => {
    expectNone(
      outcomes
        .filter(
          ({ fuzzCase, answer }) =>
            fuzzCase.method !== 'GET' && answer && (answer.status < 400 || answer.status >= 500),
        )
        .map(describeOutcome),
    );
  });

  it('reaches past validation: every read route answered both 2xx and 4xx', () => {
    const seen = new Map<string, Set<string>>();
    for (const { fuzzCase, answer } of outcomes) {
      if (!answer || fuzzCase.method !== 'GET') continue;
      const name = `${fuzzCase.method} ${fuzzCase.route.path}`;
      seen.set(name, (seen.get(name) ?? new Set()).add(`${String(answer.status)[0]}xx`));
    }
    expect(
      Object.fromEntries([...seen].map(([name, classes]) => [name, [...classes].sort()])),
    ).toEqual({
      [`GET ${RATE_PLANS}`]: ['2xx', '4xx'],
      [`GET ${RATE_PLANS}/{Sid}`]: ['2xx', '4xx'],
      [`GET ${SIMS}`]: ['2xx', '4xx'],
      [`GET ${SIMS}/{Sid}`]: ['2xx', '4xx'],
      [`GET ${COMMANDS}`]: ['2xx', '4xx'],
      [`GET ${COMMANDS}/{Sid}`]: ['2xx', '4xx'],
      [`GET ${USAGE_RECORDS}`]: ['2xx', '4xx'],
      [`GET ${SIMS}/{SimSid}/UsageRecords`]: ['2xx', '4xx'],
      [`GET ${SIMS}/{SimSid}/DataSessions`]: ['2xx', '4xx'],
    });
  });

  it('logs no error while serving them', () => {
    expectNone(errorsLogged.map((args) => JSON.stringify(args).slice(0, 400)));
  });

  it("changes no rate plan, the writer's or the other account's", async () => {
    expect(await allPlans()).toEqual(plansBefore);
  });

  it("changes no Sim, the writer's or the other account's", async () => {
    expect(await allSims()).toEqual(simsBefore);
  });

  it("creates, changes and deletes no Command, the writer's or the other account's", async () => {
    expect(await allCommands()).toEqual(commandsBefore);
  });
});

import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { TenantCredentials } from '../../src/auth/tenants.service';
import { CommandEntity } from '../../src/wireless/entities/command.entity';
import { buildBundle } from '../factories/bundle.factory';
import { registerDevice, uploadApp } from '../factories/microvisor.factory';
import { RatePlanEntity } from '../../src/wireless/entities/rate-plan.entity';
import { SimEntity } from '../../src/wireless/entities/sim.entity';
import {
  oddBasic,
  oddBearer,
  oddText,
  percentEncoded,
  type HeaderLine,
} from '../factories/bad-input.factory';
import { northboundCredentials } from '../factories/northbound.factory';
import { createTenant, tenantIdOf } from '../factories/tenant.factory';
import { insertActiveSim, insertSim } from '../factories/wireless.factory';
import { exchangeAll, type HttpAnswer, type HttpExchange } from '../utils/http-exchange';
import { listeningUrl } from '../utils/listening-url';
import { seededRandom, type Random } from '../utils/prng';
import { createTestApp, type TestApp } from '../utils/test-app';
import {
  twilioAnswerProblems,
  twilioErrorProblems,
  type TwilioProduct,
} from '../utils/twilio-schema';

/**
 * Bad input on every route of the Twilio-compatible APIs, seeded: form bodies with values of the
 * wrong type, past their range, out of their enum, 10 kB unique names, SID-shaped names, control
 * characters, broken percent-escapes, parameters given twice, other media types and bytes that
 * are not UTF-8; odd SIDs, names and keys in paths, odd paging, odd credentials. Whatever comes
 * in, the answer is never a 5xx, a 4xx is always Twilio's error body, a 2xx is what the spec says,
 * and nothing is created, changed or deleted (a Sim update's form always carries a defect, the
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
const MICROVISOR = '/microvisor/v1';
const APPS = `${MICROVISOR}/Apps`;
const DEVICES = `${MICROVISOR}/Devices`;
const UPLOAD = '/microvisor-upload/v1/Apps';
const DEVICE_SIDE = '/microvisor/device/v1';
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
  /** Microvisor devices: the writer's (its SID and unique name), and the other account's SID. */
  writerDevice: { sid: string; uniqueName: string };
  otherDevice: string;
  /**
   * Microvisor Apps and Devices: the writer's tracker, targeted at `targetApp` (which therefore
   * cannot be deleted), an App of the writer's that no Device targets (never sent a DELETE), the
   * other account's tracker and its target, and a valid bundle for uploads refused otherwise.
   */
  tracker: { sid: string; uniqueName: string; credential: string };
  targetApp: NamedSid;
  spareApp: NamedSid;
  otherTracker: { sid: string; credential: string };
  otherApp: NamedSid;
  bundle: Buffer;
}

interface NamedSid {
  sid: string;
  uniqueName: string;
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
  /** Who the requests authenticate as: the writer's account (Basic), or a Microvisor Device. */
  auth?: 'device';
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
const SETTING_PARAMS = ['Key', 'Value'];
/** Keys of the writer's configs and secrets, of its account and of its device. */
const WRITER_KEYS = ['alpha', 'beta.2_x-Y'];
/** Keys of the other account's: the writer has none of them. */
const OTHER_KEYS = ['others-only'];
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
  Key: ['fuzz-new', 'K.1_x-Y'],
  Value: ['value', 'multi\nline', 'été 🚗', ''],
  TargetApp: ['spare app'],
  LoggingEnabled: ['true', 'false'],
  RestartApp: ['true', 'false'],
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
  Key: ['', 'k'.repeat(101), 'k'.repeat(10_240), 'a b', 'a/b', '.hidden', '..', 'clé', 'a\u0000b'],
  Value: ['v'.repeat(4097), '🚗'.repeat(4097), 'v'.repeat(10_240), 'a\u0000b'],
  TargetApp: ['', 't'.repeat(65), 't'.repeat(10_240), 'no-such-app', `KA${hex32()}`, 'a\u0000b'],
  LoggingEnabled: ['yes', '1', '', 'TRUE ', 'true\u0000'],
  RestartApp: ['yes', '0', '', 'on'],
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

const takenKey: Defect = (random) => ({
  label: 'a key the owner has',
  pairs: [['Key', encode(random.pick(WRITER_KEYS))]],
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

/** Whose settings a path names: the writer's account or device, or a device of no one's reach. */
function settingsOwner(
  random: Random,
  fx: Fixtures,
  device: boolean,
): { label: string; path: string; own: boolean } {
  if (!device) return { label: 'account', path: MICROVISOR, own: true };
  const { sid, uniqueName } = fx.writerDevice;
  const drawn = random.pick([
    { label: 'own device SID', value: sid, own: true },
    { label: 'own device SID, upper case', value: `UV${sid.slice(2).toUpperCase()}`, own: true },
    { label: 'own device name', value: percentEncoded(uniqueName), own: true },
    { label: "the other account's device", value: fx.otherDevice, own: false },
    { label: 'an unknown device SID', value: `UV${hex32()}`, own: false },
    { label: 'an App SID', value: `KA${hex32()}`, own: false },
    { label: '10 kB device name', value: 'n'.repeat(10_240), own: false },
    { ...oddButWellFormed(random), own: false },
  ]);
  return { label: drawn.label, path: `${MICROVISOR}/Devices/${drawn.value}`, own: drawn.own };
}

/** A key segment naming none of the owner's settings. */
function foreignKey(random: Random): { label: string; value: string } {
  return random.pick([
    { label: "the other account's key", value: random.pick(OTHER_KEYS) },
    { label: 'an unknown key', value: `none-${hex32()}` },
    { label: 'a key of dots', value: '..' },
    // Short enough beside a 10 kB device name for the request line to stay within Node's limit.
    { label: '1 kB key', value: 'k'.repeat(1_000) },
    oddButWellFormed(random),
  ]);
}

/**
 * The five routes of one kind of Microvisor setting (`Configs` or `Secrets`, of the account or
 * of a device): writes that are all refused, reads of own and foreign keys.
 */
function settingRoutes(collection: 'Configs' | 'Secrets', device: boolean): FuzzRoute[] {
  const list = `${MICROVISOR}${device ? '/Devices/{DeviceSid}' : ''}/${collection}`;
  const target = (owner: { path: string }, key?: string) =>
    `${owner.path}/${collection}${key === undefined ? '' : `/${key}`}`;
  return [
    {
      method: 'POST',
      path: list,
      requests: 30,
      draw: (random, fx) => {
        const owner = settingsOwner(random, fx, device);
        const form = refusedForm(random, fx, SETTING_PARAMS, [
          refusedValue,
          refusedValue,
          givenTwice,
          brokenEscape,
          takenKey,
        ]);
        return {
          ...form,
          label: `${owner.label}; ${form.label}`,
          method: 'POST',
          target: target(owner),
        };
      },
    },
    {
      method: 'GET',
      path: list,
      requests: 20,
      draw: (random, fx) => {
        const owner = settingsOwner(random, fx, device);
        const query = listQuery(random, target(owner), PAGING);
        return { ...query, label: `${owner.label}; ${query.label}` };
      },
    },
    {
      method: 'GET',
      path: `${list}/{Key}`,
      requests: 20,
      draw: (random, fx) => {
        const owner = settingsOwner(random, fx, device);
        const key = random.chance(0.5)
          ? { label: 'own key', value: random.pick(WRITER_KEYS) }
          : foreignKey(random);
        return {
          label: `${owner.label}; ${key.label}`,
          method: 'GET',
          target: target(owner, key.value),
          headers: [],
        };
      },
    },
    {
      method: 'POST',
      path: `${list}/{Key}`,
      requests: 25,
      draw: (random, fx) => {
        const owner = settingsOwner(random, fx, device);
        const key = random.chance(0.7)
          ? { label: 'own key', value: random.pick(WRITER_KEYS) }
          : foreignKey(random);
        // An own key of an own owner is refused for its form alone; any other for its path.
        const form = refusedForm(random, fx, ['Value'], [refusedValue, givenTwice, brokenEscape]);
        return {
          ...form,
          label: `${owner.label}; ${key.label}; ${form.label}`,
          method: 'POST',
          target: target(owner, key.value),
        };
      },
    },
    {
      method: 'DELETE',
      path: `${list}/{Key}`,
      requests: 15,
      draw: (random, fx) => {
        const owner = settingsOwner(random, fx, device);
        // An own owner's own key would be deleted: only keys it does not have, or others' owners.
        const key =
          owner.own || random.chance(0.5)
            ? foreignKey(random)
            : { label: 'own key', value: random.pick(WRITER_KEYS) };
        return {
          label: `${owner.label}; ${key.label}`,
          method: 'DELETE',
          target: target(owner, key.value),
          headers: [],
        };
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Microvisor Apps, Devices, uploads and the device side
// ---------------------------------------------------------------------------------------------

const DEVICE_PARAMS = ['UniqueName', 'TargetApp', 'LoggingEnabled', 'RestartApp'];

const takenDeviceName: Defect = (_random, fx) => ({
  label: "another Device's unique name",
  pairs: [['UniqueName', encode(fx.writerDevice.uniqueName)]],
});

const othersApp: Defect = (_random, fx) => ({
  label: "the other account's App as TargetApp",
  pairs: [['TargetApp', encode(fx.otherApp.sid)]],
});

/** A path segment naming an App of the writer's (`spare`: one no Device targets). */
function ownApp(random: Random, fx: Fixtures, spare = random.chance(0.5)) {
  const app = spare ? fx.spareApp : fx.targetApp;
  const which = spare ? 'spare App' : 'target App';
  return random.pick([
    { label: `own ${which} SID`, value: app.sid },
    { label: `own ${which} SID, upper case`, value: `KA${app.sid.slice(2).toUpperCase()}` },
    { label: `own ${which} name`, value: percentEncoded(app.uniqueName) },
  ]);
}

/** A path segment naming no App of the writer's. */
function foreignApp(random: Random, fx: Fixtures): { label: string; value: string } {
  return random.pick([
    { label: "the other account's App SID", value: fx.otherApp.sid },
    { label: "the other account's App name", value: percentEncoded(fx.otherApp.uniqueName) },
    { label: 'an unknown App SID', value: `KA${hex32()}` },
    { label: 'a Device SID', value: fx.tracker.sid },
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
function ownTracker(random: Random, fx: Fixtures): { label: string; value: string } {
  const { sid, uniqueName } = fx.tracker;
  return random.pick([
    { label: 'own Device SID', value: sid },
    { label: 'own Device SID, upper case', value: `UV${sid.slice(2).toUpperCase()}` },
    { label: 'own Device name', value: percentEncoded(uniqueName) },
  ]);
}

function foreignTracker(random: Random, fx: Fixtures): { label: string; value: string } {
  return random.pick([
    { label: "the other account's Device", value: fx.otherTracker.sid },
    { label: 'an unknown Device SID', value: `UV${hex32()}` },
    { label: 'an App SID', value: fx.targetApp.sid },
    { label: '10 kB name', value: 'n'.repeat(10_240) },
    oddButWellFormed(random),
  ]);
}

const MULTIPART_BOUNDARY = 'fuzz-boundary-7MA4YWxk';

interface Part {
  name: string;
  filename?: string;
  content: Buffer | string;
}

function multipart(parts: Part[], boundary = MULTIPART_BOUNDARY): Buffer {
  return Buffer.concat([
    ...parts.flatMap((part) => [
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"` +
          (part.filename === undefined ? '' : `; filename="${part.filename}"`) +
          '\r\n\r\n',
      ),
      Buffer.from(part.content),
      Buffer.from('\r\n'),
    ]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
}

const MULTIPART_TYPE: HeaderLine = [
  'Content-Type',
  `multipart/form-data; boundary=${MULTIPART_BOUNDARY}`,
];

/** A bundle part of the fixture's valid bundle. */
const bundlePart = (fx: Fixtures): Part => ({
  name: 'File',
  filename: 'app.zip',
  content: fx.bundle,
});

/** An upload every account must refuse: a bad bundle, a bad name beside a good one, a bad body. */
function refusedUpload(random: Random, fx: Fixtures): Pick<Draft, 'label' | 'headers' | 'body'> {
  const corrupt = Buffer.from(fx.bundle);
  corrupt[corrupt.length >> 1] ^= 0xff;
  const drawn = random.pick<
    { label: string; parts: Part[] } | { label: string; raw: Draft['body']; type: HeaderLine }
  >([
    {
      label: 'a File that is no zip',
      parts: [{ name: 'File', filename: 'a.zip', content: oddText(random).value }],
    },
    { label: 'an empty File', parts: [{ name: 'File', filename: 'a.zip', content: '' }] },
    { label: 'a corrupt zip', parts: [{ name: 'File', filename: 'a.zip', content: corrupt }] },
    {
      label: 'a zip cut short',
      parts: [{ name: 'File', filename: 'a.zip', content: fx.bundle.subarray(0, 40) }],
    },
    { label: 'no File', parts: [{ name: 'UniqueName', content: 'no-file' }] },
    { label: 'File as a text field', parts: [{ name: 'File', content: 'PK' }] },
    { label: 'two Files', parts: [bundlePart(fx), bundlePart(fx)] },
    {
      label: 'a refused UniqueName',
      parts: [bundlePart(fx), { name: 'UniqueName', content: random.pick(REFUSED.UniqueName) }],
    },
    {
      label: 'a UniqueName another App has',
      parts: [bundlePart(fx), { name: 'UniqueName', content: fx.spareApp.uniqueName }],
    },
    {
      label: 'UniqueName twice',
      parts: [
        bundlePart(fx),
        { name: 'UniqueName', content: 'a' },
        { name: 'UniqueName', content: 'b' },
      ],
    },
    {
      label: 'a bracketed field',
      parts: [bundlePart(fx), { name: 'UniqueName[x]', content: 'nested' }],
    },
    {
      label: '5 kB field',
      parts: [bundlePart(fx), { name: 'UniqueName', content: 'u'.repeat(5000) }],
    },
    {
      label: 'the body cut short',
      raw: multipart([bundlePart(fx)]).subarray(0, 200),
      type: MULTIPART_TYPE,
    },
    {
      label: 'no boundary in the media type',
      raw: multipart([bundlePart(fx)]),
      type: ['Content-Type', 'multipart/form-data'],
    },
    {
      label: 'a form body',
      raw: Buffer.from('UniqueName=x&File=PK'),
      type: FORM_TYPE,
    },
    {
      label: 'the zip as the body',
      raw: fx.bundle,
      type: ['Content-Type', 'application/zip'],
    },
  ]);
  if ('parts' in drawn) {
    return { label: drawn.label, headers: [MULTIPART_TYPE], body: multipart(drawn.parts) };
  }
  return { label: drawn.label, headers: [drawn.type], body: drawn.raw };
}

/** A check-in every Device's report must be refused for (so none changes a Device). */
function refusedCheckIn(random: Random): Pick<Draft, 'label' | 'headers' | 'body'> {
  const JSON_TYPE: HeaderLine = ['Content-Type', 'application/json'];
  const json = (label: string, value: unknown) => ({ label, text: JSON.stringify(value) });
  const drawn = random.pick([
    json('reported_app_sid a Device SID', { reported_app_sid: `UV${hex32()}` }),
    json('reported_app_sid too short', { reported_app_sid: `KA${hex32().slice(1)}` }),
    json('reported_app_sid empty', { reported_app_sid: '' }),
    json('reported_app_sid a number', { reported_app_sid: 7 }),
    json('reported_app_sid an object', { reported_app_sid: {} }),
    json('no reported_app_sid', { update_error_code: 0 }),
    json('a negative code', { reported_app_sid: null, update_error_code: -1 }),
    json('a fractional code', { reported_app_sid: null, update_error_code: 0.5 }),
    json('a code as text', { reported_app_sid: null, update_error_code: '0' }),
    json('a code past int32', { reported_app_sid: null, update_error_code: 2 ** 31 }),
    json('a null code', { reported_app_sid: null, update_error_code: null }),
    json('an array', [{ reported_app_sid: null }]),
    json('a string', 'check-in'),
    { label: 'a huge number', text: '{"reported_app_sid":null,"update_error_code":1e400}' },
    { label: 'broken JSON', text: '{"reported_app_sid":' },
    { label: 'JSON null', text: 'null' },
    { label: 'no body', text: '' },
  ]);
  const way = random.int(8);
  if (way === 0) {
    return {
      label: `${drawn.label}; as a form`,
      headers: [FORM_TYPE],
      body: Buffer.from('reported_app_sid=&update_error_code=0'),
    };
  }
  if (way === 1) {
    return {
      label: `${drawn.label}; gzip`,
      headers: [JSON_TYPE, ['Content-Encoding', 'gzip']],
      body: gzipSync(drawn.text),
    };
  }
  if (way === 2) {
    return {
      label: 'bytes that are not UTF-8',
      headers: [JSON_TYPE],
      body: Buffer.concat([
        Buffer.from('{"reported_app_sid":"'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('"}'),
      ]),
    };
  }
  return { label: drawn.label, headers: [JSON_TYPE], body: Buffer.from(drawn.text) };
}

/** What the device side's requests authenticate with: the writer's tracker mostly. */
function deviceCredentials(random: Random, fx: Fixtures, othersToo: boolean) {
  const bearer = (credential: string): HeaderLine => ['Authorization', `Bearer ${credential}`];
  if (!random.chance(0.2)) return { headers: [bearer(fx.tracker.credential)] };
  const odd = random.pick<{ label: string; headers: HeaderLine[] }>([
    ...(othersToo
      ? [{ label: "the other account's Device", headers: [bearer(fx.otherTracker.credential)] }]
      : []),
    { label: 'no credentials', headers: [] },
    { label: "the account's Basic", headers: [basic(fx.writer.accountSid, fx.writer.authToken)] },
    { label: 'a credential with a suffix', headers: [bearer(`${fx.tracker.credential}x`)] },
    {
      label: 'odd Bearer',
      headers: [['Authorization', oddBearer(random, fx.tracker.credential, ['x.y.z']).value]],
    },
  ]);
  return { label: `credentials: ${odd.label}`, headers: odd.headers };
}

function microvisorRoutes(): FuzzRoute[] {
  return [
    {
      method: 'GET',
      path: APPS,
      requests: 20,
      draw: (random) => listQuery(random, APPS, PAGING),
    },
    ...(['{Sid}', '{AppSid}/Manifest'] as const).map((tail): FuzzRoute => ({
      method: 'GET',
      path: `${APPS}/${tail}`,
      requests: 20,
      draw: (random, fx) => {
        const app = random.chance(0.4) ? ownApp(random, fx) : foreignApp(random, fx);
        return {
          label: app.label,
          method: 'GET',
          target: `${APPS}/${app.value}${tail === '{Sid}' ? '' : '/Manifest'}`,
          headers: [],
        };
      },
    })),
    {
      method: 'DELETE',
      path: `${APPS}/{Sid}`,
      requests: 20,
      draw: (random, fx) => {
        // Only the App a Device targets (refused), never the spare one (it would go).
        const app = random.chance(0.3) ? ownApp(random, fx, false) : foreignApp(random, fx);
        return { label: app.label, method: 'DELETE', target: `${APPS}/${app.value}`, headers: [] };
      },
    },
    {
      method: 'POST',
      path: UPLOAD,
      requests: 40,
      draw: (random, fx) => ({ method: 'POST', target: UPLOAD, ...refusedUpload(random, fx) }),
    },
    {
      method: 'GET',
      path: DEVICES,
      requests: 20,
      draw: (random) => listQuery(random, DEVICES, PAGING),
    },
    {
      method: 'GET',
      path: `${DEVICES}/{Sid}`,
      requests: 20,
      draw: (random, fx) => {
        const device = random.chance(0.4) ? ownTracker(random, fx) : foreignTracker(random, fx);
        return {
          label: device.label,
          method: 'GET',
          target: `${DEVICES}/${device.value}`,
          headers: [],
        };
      },
    },
    {
      method: 'POST',
      path: `${DEVICES}/{Sid}`,
      requests: 50,
      draw: (random, fx) => {
        const device = random.chance(0.8) ? ownTracker(random, fx) : foreignTracker(random, fx);
        const form = refusedForm(random, fx, DEVICE_PARAMS, [
          refusedValue,
          refusedValue,
          refusedValue,
          givenTwice,
          brokenEscape,
          takenDeviceName,
          othersApp,
        ]);
        return {
          ...form,
          label: `${device.label}; ${form.label}`,
          method: 'POST',
          target: `${DEVICES}/${device.value}`,
        };
      },
    },
    {
      method: 'POST',
      path: `${DEVICE_SIDE}/check-in`,
      requests: 40,
      auth: 'device',
      draw: (random) => ({
        method: 'POST',
        target: `${DEVICE_SIDE}/check-in`,
        ...refusedCheckIn(random),
      }),
    },
    {
      method: 'GET',
      path: `${DEVICE_SIDE}/apps/{Sid}/bundle`,
      requests: 30,
      auth: 'device',
      draw: (random, fx) => {
        const app = random.pick([
          { label: 'own target', value: fx.targetApp.sid },
          {
            label: 'own target, upper case',
            value: `KA${fx.targetApp.sid.slice(2).toUpperCase()}`,
          },
          { label: 'an App of the account no Device targets', value: fx.spareApp.sid },
          { label: 'its target by unique name', value: percentEncoded(fx.targetApp.uniqueName) },
          { label: "the other account's Device's target", value: fx.otherApp.sid },
          { label: 'an unknown App SID', value: `KA${hex32()}` },
          { label: '10 kB name', value: 'n'.repeat(10_240) },
          oddButWellFormed(random),
        ]);
        return {
          label: app.label,
          method: 'GET',
          target: `${DEVICE_SIDE}/apps/${app.value}/bundle`,
          headers: [],
        };
      },
    },
  ];
}

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
  ...settingRoutes('Configs', false),
  ...settingRoutes('Secrets', false),
  ...settingRoutes('Configs', true),
  ...settingRoutes('Secrets', true),
  ...microvisorRoutes(),
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
      // The bundle route answers a valid credential: the other account's Device would be a 200.
      const auth =
        route.auth === 'device'
          ? deviceCredentials(random, fx, route.method === 'POST')
          : credentials(random, fx);
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

/** The Twilio product a request target is under. */
const productOf = (target: string): TwilioProduct =>
  target.startsWith(`${MICROVISOR}/`) ? 'microvisor' : 'wireless';

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
  let settingsBefore: unknown[];
  let microvisorBefore: unknown[];

  /** Every App (its bundle by digest) and every Device, credential hash and update state included. */
  const allAppsAndDevices = () =>
    Promise.all([
      testApp.dataSource.query(
        `SELECT sid, tenant_id, unique_name, hash, manifest, md5(bundle) AS bundle_md5,
                created_at, updated_at
           FROM microvisor_apps ORDER BY sid`,
      ),
      testApp.dataSource.query(`SELECT * FROM microvisor_devices ORDER BY sid`),
    ]);

  const SETTING_TABLES = [
    'microvisor_account_configs',
    'microvisor_account_secrets',
    'microvisor_device_configs',
    'microvisor_device_secrets',
  ];
  /** Every row of the four tables, sealed values and times included. */
  const allSettings = () =>
    Promise.all(
      SETTING_TABLES.map((table) =>
        testApp.dataSource.query(`SELECT * FROM ${table} ORDER BY tenant_id, key`),
      ),
    );

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
    // A Microvisor device each, and configs and secrets of each account and of its device, under
    // keys the other has none of.
    const writerDevice = {
      ...(await registerDevice(testApp, writer, 'fuzz device')),
      uniqueName: 'fuzz device',
    };
    const otherDevice = await registerDevice(testApp, other, 'others-device');
    const createSettings = async (tenant: TenantCredentials, device: string, keys: string[]) => {
      for (const owner of ['', `/Devices/${device}`]) {
        for (const collection of ['Configs', 'Secrets']) {
          for (const key of keys) {
            await testApp.http
              .post(`${MICROVISOR}${owner}/${collection}`)
              .auth(tenant.accountSid, tenant.authToken)
              .type('form')
              .send({ Key: key, Value: `seeded ${key}` })
              .expect(201);
          }
        }
      }
    };
    await createSettings(writer, writerDevice.sid, WRITER_KEYS);
    await createSettings(other, otherDevice.sid, OTHER_KEYS);
    // Microvisor Apps and a tracker each, the tracker targeted at one of its account's Apps.
    const bundle = await buildBundle([['app.bin', 'fuzz firmware']]);
    const uploadNamed = async (tenant: TenantCredentials, uniqueName: string) => ({
      sid: (await uploadApp(testApp, tenant, bundle, uniqueName)).sid,
      uniqueName,
    });
    const targetApp = await uploadNamed(writer, 'target app');
    const spareApp = await uploadNamed(writer, 'spare app');
    const otherApp = await uploadNamed(other, 'others app');
    const tracker = await registerDevice(testApp, writer, 'fuzz tracker');
    const otherTracker = await registerDevice(testApp, other, 'others tracker');
    for (const [tenant, device, app] of [
      [writer, tracker, targetApp],
      [other, otherTracker, otherApp],
    ] as const) {
      await testApp.http
        .post(`${DEVICES}/${device.sid}`)
        .auth(tenant.accountSid, tenant.authToken)
        .type('form')
        .send({ TargetApp: app.sid })
        .expect(200);
    }
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
      writerDevice: { sid: writerDevice.sid, uniqueName: writerDevice.uniqueName },
      otherDevice: otherDevice.sid,
      tracker: { ...tracker, uniqueName: 'fuzz tracker' },
      targetApp,
      spareApp,
      otherTracker,
      otherApp,
      bundle,
    };
    plansBefore = await allPlans();
    simsBefore = await allSims();
    commandsBefore = await allCommands();
    settingsBefore = await allSettings();
    microvisorBefore = await allAppsAndDevices();

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
      .filter(([path]) => /^\/(wireless|microvisor|microvisor-upload)\//.test(path))
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
        .filter(
          ({ fuzzCase, answer }) =>
            answer && answer.status < 300 && !fuzzCase.target.startsWith(`${DEVICE_SIDE}/`),
        )
        .flatMap((outcome) =>
          twilioAnswerProblems(productOf(outcome.fuzzCase.target), {
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
      ...Object.fromEntries(
        [
          'Configs',
          'Secrets',
          'Devices/{DeviceSid}/Configs',
          'Devices/{DeviceSid}/Secrets',
        ].flatMap((list) => [
          [`GET ${MICROVISOR}/${list}`, ['2xx', '4xx']],
          [`GET ${MICROVISOR}/${list}/{Key}`, ['2xx', '4xx']],
        ]),
      ),
      [`GET ${APPS}`]: ['2xx', '4xx'],
      [`GET ${APPS}/{Sid}`]: ['2xx', '4xx'],
      [`GET ${APPS}/{AppSid}/Manifest`]: ['2xx', '4xx'],
      [`GET ${DEVICES}`]: ['2xx', '4xx'],
      [`GET ${DEVICES}/{Sid}`]: ['2xx', '4xx'],
      [`GET ${DEVICE_SIDE}/apps/{Sid}/bundle`]: ['2xx', '4xx'],
    });
  });

  it("lets a Device download its own target's bundle, and nothing else of the device side succeed", () => {
    const own = new RegExp(`^${DEVICE_SIDE}/apps/${fx.targetApp.sid}/bundle$`, 'i');
    expectNone(
      outcomes
        .filter(
          ({ fuzzCase, answer }) =>
            fuzzCase.target.startsWith(`${DEVICE_SIDE}/`) &&
            answer &&
            answer.status < 300 &&
            !(own.test(fuzzCase.target) && !fuzzCase.label.includes('credentials:')),
        )
        .map(describeOutcome),
    );
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

  it("creates, changes and deletes no Microvisor config or secret, the writer's or the other account's", async () => {
    expect(await allSettings()).toEqual(settingsBefore);
  });

  it("creates, changes and deletes no Microvisor App or Device, the writer's or the other account's", async () => {
    expect(await allAppsAndDevices()).toEqual(microvisorBefore);
  });
});

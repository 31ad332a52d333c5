import { getQueueToken } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import type { TenantCredentials } from '../../src/auth/tenants.service';
import { PRINTABLE_TEXT } from '../../src/common/validation/storable-text';
import { encodeCursor, type CursorKind } from '../../src/devices/keyset-cursor';
import { NORTHBOUND_QUEUE } from '../../src/northbound/northbound.queue';
import { MAX_JSON_DEPTH } from '../../src/northbound/stored-json';
import { TELEMETRY_QUEUE } from '../../src/telemetry/telemetry.queue';
import {
  bodyTransport,
  refusedTelemetryBody,
  refusedTokenBody,
  refusedTrackerBody,
  type DefectiveBody,
} from '../factories/bad-body.factory';
import {
  addOddity,
  craftedCursor,
  oddBasic,
  oddBearer,
  oddText,
  oddTime,
  percentEncoded,
  type Drawn,
  type HeaderLine,
  type RequestParts,
} from '../factories/bad-input.factory';
import { deviceEvent, position, storeDeviceData, track } from '../factories/device-data.factory';
import {
  ASSET_TRACKER_SAMPLES,
  northboundCredentials,
  randomTrackerId,
  trackerMessage,
} from '../factories/northbound.factory';
import { validFuzzPoint } from '../factories/telemetry-fuzz.factory';
import { randomImei, telemetryPoint } from '../factories/telemetry.factory';
import { apiHeaders, createTenant, issueToken, tenantIdOf } from '../factories/tenant.factory';
import { claimsOf, signToken } from '../factories/token.factory';
import { envelopeProblem } from '../utils/api-envelope';
import { exchangeAll, type HttpAnswer, type HttpExchange } from '../utils/http-exchange';
import { listeningUrl } from '../utils/listening-url';
import { seededRandom, type Random } from '../utils/prng';
import { isValidBatch, parseAsServer } from '../utils/telemetry-oracle';
import { createTestApp, type TestApp } from '../utils/test-app';
import { describeWithRedis } from '../utils/test-database';
import { waitFor } from '../utils/wait';

/**
 * Bad input on every route, seeded: malformed and mis-declared bodies, charsets, encodings, odd
 * and out-of-range times, crafted cursors, control characters, lone surrogates and invalid UTF-8
 * in identifiers and query values, odd parameters, odd credentials. Whatever comes in, the answer
 * is never a 5xx, a 4xx is always the error envelope, and no write of it is stored.
 *
 * CI runs the default seed; `FUZZ_SEED=<integer>` draws another run, and a failure names its seed.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
if (!Number.isSafeInteger(SEED)) throw new Error(`FUZZ_SEED must be an integer`);

/** Requests in flight at once. */
const CONCURRENCY = 4;

/** Whose credentials a route takes: the `/apidev/v1` trio, the token route's pair, HTTP Basic. */
type Auth = 'jwt' | 'api-key' | 'basic' | 'none';

interface Actor {
  credentials: TenantCredentials;
  token: string;
}

interface Fixtures {
  /** Sends every write: the API must refuse them all, and store nothing for this tenant. */
  writer: Actor & { imeis: string[]; trackerIds: string[] };
  /** Sends every read, over a history stored before the fuzz. */
  reader: Actor & { deviceIds: string[]; keys: Record<CursorKind, string[]> };
  /** A third tenant: its credentials are mixed into the others', and it sends the marker. */
  other: Actor;
  /** Tokens the app never issued: another secret, expired, another tenant's, another user's. */
  forgedTokens: string[];
}

/** A request before its credentials are added. */
interface Draft extends RequestParts {
  label: string;
  body?: Buffer;
  /** The text of a write's body, before encoding, for the check that the API must refuse it. */
  text?: string;
}

interface FuzzRoute {
  method: 'GET' | 'POST';
  /** As the OpenAPI document names it. */
  path: string;
  /** What this row draws, where a route has several (the positions' formats). */
  variant?: string;
  /** False for the one route the OpenAPI document does not list: the document itself. */
  documented: boolean;
  auth: Auth;
  requests: number;
  draw(random: Random, fx: Fixtures): Draft;
}

// ---------------------------------------------------------------------------------------------
// Drawing requests
// ---------------------------------------------------------------------------------------------

const oddValue =
  (...values: string[]) =>
  (random: Random) => ({
    label: 'odd',
    value: percentEncoded(random.pick(values)),
  });

/** A query parameter: values it takes, and how to draw one it does not (already encoded). */
interface Param {
  valid: (fx: Fixtures) => string[];
  odd: (random: Random, fx: Fixtures) => Drawn;
}

const param = (
  valid: string[] | ((fx: Fixtures) => string[]),
  odd: Param['odd'] = oddText,
): Param => ({
  valid: typeof valid === 'function' ? valid : () => valid,
  odd,
});

const time = param(
  ['2026-04-04T10:00:00Z', '2026-04-04', '2026-04-04T10:00', '2026-04-04T09:30:00.123456+02:00'],
  (random) => {
    const drawn = oddTime(random);
    return { label: drawn.label, value: percentEncoded(drawn.value) };
  },
);
const limit = param(
  ['1', '2', '10', '1000'],
  oddValue('0', '-1', '1001', '10001', '1.5', '1e3', '', ' 1', '0x10', '99999999999', '\u0663'),
);
const order = param(['asc', 'desc'], oddValue('ASC', '', 'random', 'asc,desc'));
const textList = (values: string[]) =>
  param(values, (random) =>
    random.chance(0.3)
      ? oddValue(',,,', `${'1,'.repeat(51)}1`, `101,${'9'.repeat(21)}`)(random)
      : oddText(random),
  );
const cursor = (kind: CursorKind) =>
  param(
    (fx) => [encodeCursor(kind, fx.reader.keys[kind])],
    (random, fx) => craftedCursor(random, kind, fx.reader.keys[kind]),
  );

/** Parameter names no route takes, some that trip naive parsers. */
const ODD_NAMES = [
  'unknown',
  'a[]',
  'from[]',
  'limit[$gt]',
  '__proto__',
  'constructor[prototype][x]',
  'hasOwnProperty',
  'toString',
  '',
  '%00',
  'q%FF',
  '%E2%80%AE',
];

type ReadDefect =
  'odd value' | 'odd device' | 'a parameter twice' | 'an unknown parameter' | 'a body';

/** The defects a read may have, an odd value the likeliest. */
const READ_DEFECTS: ReadDefect[] = [
  'odd value',
  'odd value',
  'odd value',
  'odd value',
  'odd device',
  'a parameter twice',
  'an unknown parameter',
  'a body',
];

/**
 * A read's target and query: some of `params`, with values they take, and (seven reads in ten)
 * one or two defects: an odd value of one parameter, an odd device id, a parameter twice, one the
 * route does not take, a body. One defect at a time reaches as far as it can, where several would
 * stop at the first; clean reads make sure every route reaches the database.
 */
function read(
  random: Random,
  fx: Fixtures,
  path: (device: string) => string,
  params: Record<string, Param>,
): Draft {
  const names = Object.keys(params);
  const takesDevice = path('a') !== path('b');
  const applicable = READ_DEFECTS.filter((defect) =>
    defect === 'odd device'
      ? takesDevice
      : names.length > 0 || (defect !== 'odd value' && defect !== 'a parameter twice'),
  );
  const defects = new Set<ReadDefect>();
  if (random.chance(0.7)) {
    for (let i = random.chance(0.2) ? 2 : 1; i > 0; i--) defects.add(random.pick(applicable));
  }
  const validValue = (name: string): Drawn => ({
    label: 'valid',
    value: percentEncoded(random.pick(params[name].valid(fx))),
  });
  const pairs: [string, Drawn][] = names
    .filter(() => random.chance(0.4))
    .map((name) => [name, validValue(name)]);
  if (defects.has('odd value')) {
    const name = random.pick(names);
    const odd = params[name].odd(random, fx);
    const at = pairs.findIndex(([present]) => present === name);
    if (at >= 0) pairs[at] = [name, odd];
    else pairs.push([name, odd]);
  }
  if (defects.has('a parameter twice')) {
    const name = random.pick(names);
    pairs.push([name, random.chance(0.5) ? validValue(name) : params[name].odd(random, fx)]);
  }
  if (defects.has('an unknown parameter')) pairs.push([random.pick(ODD_NAMES), oddText(random)]);
  const device = defects.has('odd device')
    ? oddText(random)
    : { label: 'a device', value: percentEncoded(random.pick(fx.reader.deviceIds)) };
  const query = pairs.map(([name, drawn]) => `${name}=${drawn.value}`).join('&');
  const draft: Draft = {
    label: [
      ...(takesDevice ? [`device: ${device.label}`] : []),
      ...pairs.map(([name, drawn]) => `${name}: ${drawn.label}`),
    ].join(', '),
    method: 'GET',
    target: `${path(device.value)}${query ? `?${query}` : ''}`,
    headers: [],
  };
  if (defects.has('a body')) {
    const transport = bodyTransport(random);
    draft.headers.push(...transport.headers);
    draft.body = transport.encode(Buffer.from(random.pick(['{}', '[]', '{"a":1}', '{', 'x'])));
    draft.label += `; a body, ${transport.label}`;
  }
  return draft;
}

const POSITION_FILTERS: Record<string, Param> = {
  from: time,
  to: time,
  order,
  eventcode: textList(['101', '101,117', '113']),
  fixOnly: param(['true', 'false'], oddValue('1', 'yes', '', 'TRUE')),
};

/** The positions route, as a JSON page (`format` absent, `json` or odd) or as one export format. */
function positionsRoute(format: string | undefined, requests: number): FuzzRoute {
  const oddFormat = format === undefined ? oddValue('JSON', 'xml', '', 'csv,gpx') : oddText;
  return {
    method: 'GET',
    path: '/apidev/v1/devices/{deviceId}/positions',
    variant: `format=${format ?? 'json'}`,
    documented: true,
    auth: 'jwt',
    requests,
    draw: (random, fx) => {
      // Exports refuse paging: it is left to the JSON pages, and to a few exports.
      const paging: Record<string, Param> =
        format === undefined || random.chance(0.1) ? { limit, cursor: cursor('positions') } : {};
      const draft = read(random, fx, (device) => `/apidev/v1/devices/${device}/positions`, {
        ...POSITION_FILTERS,
        ...paging,
      });
      if (format === undefined && random.chance(0.6)) return draft;
      const value = random.chance(0.9) ? (format ?? 'json') : undefined;
      const drawn = value === undefined ? oddFormat(random) : { label: 'valid', value };
      draft.target += `${draft.target.includes('?') ? '&' : '?'}format=${drawn.value}`;
      draft.label += `, format: ${drawn.label}`;
      return draft;
    },
  };
}

/** A write: a body the API must refuse, for its contents or for how it is sent (or both). */
function write(
  random: Random,
  target: string,
  validBody: () => string,
  defectiveBody: () => DefectiveBody,
): Draft {
  const transport = bodyTransport(random);
  const body: DefectiveBody =
    transport.refusesAnyBody && random.chance(0.5)
      ? { label: 'a valid body', value: validBody() }
      : defectiveBody();
  return {
    label: `${transport.label}; ${body.label}`,
    method: 'POST',
    target,
    headers: [...transport.headers],
    body: transport.encode(Buffer.from(body.value)),
    text: transport.refusesAnyBody ? undefined : body.value,
  };
}

/** The operations routes take no input: odd queries, paths, and bodies they should ignore. */
function operations(path: string): (random: Random) => Draft {
  return (random) => {
    const spelling = random.pick<Drawn>([
      { label: 'as documented', value: path },
      { label: 'as documented', value: path },
      { label: 'trailing slash', value: `${path}/` },
      { label: 'upper case', value: path.toUpperCase() },
      {
        label: 'an encoded letter',
        value: path.replace(/[a-z](?=[a-z]*$)/, (c) => percentEncoded(c)),
      },
      { label: 'double slash', value: `/${path}` },
    ]);
    const query = random.chance(0.5)
      ? { label: 'odd query', value: `?${random.pick(ODD_NAMES)}=${oddText(random).value}` }
      : { label: 'no query', value: '' };
    const draft: Draft = {
      label: `${spelling.label}; ${query.label}`,
      method: 'GET',
      target: `${spelling.value}${query.value}`,
      headers: [],
    };
    if (random.chance(0.3)) {
      const transport = bodyTransport(random);
      draft.headers.push(...transport.headers);
      draft.body = transport.encode(Buffer.from('{"status":"down"}'));
      draft.label += `; a body, ${transport.label}`;
    }
    return draft;
  };
}

/**
 * Every route of the app, and how its requests are drawn. A new route needs a row here (one of
 * the Twilio-compatible APIs, in twilio-bad-input-fuzz.e2e-spec.ts): the OpenAPI test below
 * fails until it has one.
 */
const ROUTES: FuzzRoute[] = [
  {
    method: 'POST',
    path: '/apidev/v1/auth/token',
    documented: true,
    auth: 'api-key',
    requests: 40,
    draw: (random, { writer }) =>
      write(
        random,
        '/apidev/v1/auth/token',
        () =>
          JSON.stringify({
            username: writer.credentials.username,
            password: writer.credentials.password,
          }),
        () => refusedTokenBody(random, writer.credentials.username, writer.credentials.password),
      ),
  },
  {
    method: 'POST',
    path: '/apidev/v1/telemetry',
    documented: true,
    auth: 'jwt',
    requests: 80,
    draw: (random, { writer }) =>
      write(
        random,
        '/apidev/v1/telemetry',
        () =>
          JSON.stringify(
            Array.from({ length: 1 + random.int(3) }, () => validFuzzPoint(random, writer.imeis)),
          ),
        () => refusedTelemetryBody(random, writer.imeis),
      ),
  },
  {
    method: 'POST',
    path: '/data',
    documented: true,
    auth: 'basic',
    requests: 60,
    draw: (random, { writer }) =>
      write(
        random,
        '/data',
        () =>
          JSON.stringify({
            ...random.pick(Object.values(ASSET_TRACKER_SAMPLES)),
            trackerId: random.pick(writer.trackerIds),
          }),
        () => refusedTrackerBody(random, writer.trackerIds),
      ),
  },
  {
    method: 'GET',
    path: '/apidev/v1/devices',
    documented: true,
    auth: 'jwt',
    requests: 40,
    draw: (random, fx) =>
      read(random, fx, () => '/apidev/v1/devices', {
        q: param((f) => ['35', f.reader.deviceIds[0].slice(0, 5), '6']),
        kind: param(['tracker', 'asset-tracker'], oddValue('TRACKER', '', 'tracker,asset-tracker')),
        seenSince: time,
        limit,
        cursor: cursor('devices'),
      }),
  },
  {
    method: 'GET',
    path: '/apidev/v1/devices/stream',
    documented: true,
    auth: 'jwt',
    requests: 24,
    draw: (random, fx) => {
      const draft = read(random, fx, () => '/apidev/v1/devices/stream', {
        deviceId: param((f) => f.reader.deviceIds),
      });
      if (random.chance(0.5)) {
        const lastEventId = random.pick([
          '0-0',
          '1712224800000-0',
          '999999999999999-999999999999999',
          '9999999999999999-0',
          '-1',
          'abc',
          '1-1-1',
          '',
          ' ',
          'x'.repeat(5000),
          '\u00ff\u00fe',
        ]);
        draft.headers.push(['Last-Event-ID', lastEventId]);
        draft.label += `; Last-Event-ID ${JSON.stringify(lastEventId.slice(0, 20))}`;
      }
      return draft;
    },
  },
  {
    method: 'GET',
    path: '/apidev/v1/devices/{deviceId}',
    documented: true,
    auth: 'jwt',
    requests: 30,
    draw: (random, fx) => read(random, fx, (device) => `/apidev/v1/devices/${device}`, {}),
  },
  positionsRoute(undefined, 50),
  positionsRoute('csv', 25),
  positionsRoute('gpx', 25),
  positionsRoute('geojson', 25),
  {
    method: 'GET',
    path: '/apidev/v1/devices/{deviceId}/events',
    documented: true,
    auth: 'jwt',
    requests: 40,
    draw: (random, fx) =>
      read(random, fx, (device) => `/apidev/v1/devices/${device}/events`, {
        from: time,
        to: time,
        order,
        limit,
        cursor: cursor('events'),
        type: textList(['BATTERY_LOW', 'BATTERY_LOW,SHOCK']),
        code: textList(['116', '116,117']),
      }),
  },
  ...['/health/live', '/health/ready', '/metrics'].map((path): FuzzRoute => ({
    method: 'GET',
    path,
    documented: true,
    auth: 'none',
    requests: 10,
    draw: operations(path),
  })),
  {
    method: 'GET',
    path: '/docs/openapi.json',
    documented: false,
    auth: 'none',
    requests: 10,
    draw: operations('/docs/openapi.json'),
  },
];

const routeName = (route: FuzzRoute) =>
  `${route.method} ${route.path}${route.variant ? ` (${route.variant})` : ''}`;

// ---------------------------------------------------------------------------------------------
// Credentials and odd requests, whatever the route
// ---------------------------------------------------------------------------------------------

function credentials(auth: Auth, actor: Actor): HeaderLine[] {
  const { credentials: c, token } = actor;
  switch (auth) {
    case 'jwt':
      return Object.entries(apiHeaders(c, token));
    case 'api-key':
      return [
        ['X-API-Key', c.apiKey],
        ['tenant', c.tenant],
      ];
    case 'basic':
      return [
        [
          'Authorization',
          `Basic ${Buffer.from(northboundCredentials(c).join(':')).toString('base64')}`,
        ],
      ];
    case 'none':
      return [];
  }
}

/** The route's credentials, made wrong one way or another. */
function oddCredentials(
  random: Random,
  auth: Auth,
  actor: Actor,
  fx: Fixtures,
): Drawn<HeaderLine[]> {
  const good = credentials(auth, actor);
  const replace = (name: string, value: string) =>
    good.map(([n, v]): HeaderLine =>
      n.toLowerCase() === name.toLowerCase() ? [n, value] : [n, v],
    );
  const without = (name: string) => good.filter(([n]) => n.toLowerCase() !== name.toLowerCase());
  const { credentials: c } = actor;
  if (auth === 'basic') {
    const basic = oddBasic(random, c.northbound.username, c.northbound.password);
    return random.chance(0.1)
      ? { label: 'no credentials', value: [] }
      : { label: `Basic: ${basic.label}`, value: replace('Authorization', basic.value) };
  }
  if (auth === 'none') {
    return {
      label: 'a stray Authorization',
      value: [['Authorization', oddBearer(random, actor.token, fx.forgedTokens).value]],
    };
  }
  const choices: (() => Drawn<HeaderLine[]>)[] = [
    () => ({ label: 'no credentials', value: [] }),
    () => ({ label: 'no tenant', value: without('tenant') }),
    () => ({ label: 'no X-API-Key', value: without('X-API-Key') }),
    () => {
      const key = random.pick([
        fx.other.credentials.apiKey,
        `fh_${'0'.repeat(40)}`,
        `${c.apiKey} `,
        `${c.apiKey}\u00ff`,
        c.apiKey.toUpperCase(),
        'k'.repeat(4000),
      ]);
      return {
        label: `X-API-Key ${JSON.stringify(key.slice(0, 20))}`,
        value: replace('X-API-Key', key),
      };
    },
    () => {
      const tenant = random.pick([
        fx.other.credentials.tenant,
        c.tenant.toUpperCase(),
        `${c.tenant}, ${c.tenant}`,
        '../admin',
        't'.repeat(300),
        '\u00e9',
      ]);
      return {
        label: `tenant ${JSON.stringify(tenant.slice(0, 20))}`,
        value: replace('tenant', tenant),
      };
    },
    () => ({
      label: 'two X-API-Keys, another tenant’s first',
      value: [['X-API-Key', fx.other.credentials.apiKey], ...good],
    }),
  ];
  if (auth === 'jwt') {
    choices.push(
      () => ({ label: 'no Authorization', value: without('Authorization') }),
      () => {
        const bearer = oddBearer(random, actor.token, fx.forgedTokens);
        return { label: `Bearer: ${bearer.label}`, value: replace('Authorization', bearer.value) };
      },
      () => ({
        label: 'two Authorizations, a forged one first',
        value: [['Authorization', `Bearer ${random.pick(fx.forgedTokens)}`], ...good],
      }),
    );
  }
  return random.pick(choices)();
}

interface FuzzCase extends HttpExchange {
  index: number;
  route: FuzzRoute;
  label: string;
  text?: string;
}

/** Every request of the run, drawn in one seeded sequence before any is sent. */
function drawCases(random: Random, fx: Fixtures): FuzzCase[] {
  const cases: FuzzCase[] = [];
  for (const route of ROUTES) {
    for (let i = 0; i < route.requests; i++) {
      const draft = route.draw(random, fx);
      const actor = route.method === 'POST' ? fx.writer : fx.reader;
      const labels = [draft.label];
      let auth = credentials(route.auth, actor);
      if (random.chance(0.15)) {
        const odd = oddCredentials(random, route.auth, actor, fx);
        auth = odd.value;
        labels.push(`credentials: ${odd.label}`);
      }
      draft.headers.unshift(...auth);
      if (random.chance(0.12)) labels.push(addOddity(random, draft));
      cases.push({
        index: cases.length,
        route,
        label: labels.join('; '),
        method: draft.method,
        target: draft.target,
        headers: draft.headers,
        body: draft.body,
        text: draft.text,
      });
    }
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// What the API must answer
// ---------------------------------------------------------------------------------------------

interface Outcome {
  fuzzCase: FuzzCase;
  answer?: HttpAnswer;
  error?: string;
}

const describeOutcome = ({ fuzzCase: c, answer, error }: Outcome) =>
  `#${c.index} ${c.method} ${JSON.stringify(c.target.slice(0, 300))} [${c.label}] → ` +
  (answer ? `${answer.status} ${answer.body.slice(0, 240)}` : `no answer: ${error}`);

const isJsonType = (answer: HttpAnswer) =>
  /^application\/(?:geo\+)?json/.test(String(answer.headers['content-type']));

/** Whether the API could accept a write's body text (it must refuse every one the fuzz sends). */
const ACCEPTABLE: Record<string, (text: string, fx: Fixtures) => boolean> = {
  '/apidev/v1/telemetry': (text) => {
    const parsed = parseAsServer(text);
    return parsed !== undefined && isValidBatch(parsed.parsed);
  },
  '/data': (text) => {
    const parsed = parseAsServer(text)?.parsed;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
    const { trackerId } = parsed as { trackerId?: unknown };
    const depth = (value: unknown): number =>
      typeof value === 'object' && value !== null
        ? 1 + Math.max(0, ...Object.values(value).map(depth))
        : 0;
    return (
      typeof trackerId === 'string' &&
      trackerId.length >= 1 &&
      trackerId.length <= 64 &&
      PRINTABLE_TEXT.test(trackerId) &&
      depth(parsed) <= MAX_JSON_DEPTH
    );
  },
  '/apidev/v1/auth/token': (text, { writer }) => {
    const parsed = parseAsServer(text)?.parsed as Record<string, unknown> | undefined;
    return (
      parsed?.username === writer.credentials.username &&
      parsed.password === writer.credentials.password &&
      Object.keys(parsed).length === 2
    );
  },
};

describeWithRedis(`bad input on every route (seeded fuzz, seed ${SEED})`, () => {
  let testApp: TestApp;
  let port: number;
  let fx: Fixtures;
  let cases: FuzzCase[];
  let outcomes: Outcome[];
  let fuzzSeconds: number;
  const errorsLogged: unknown[][] = [];

  const newActor = async (name: string): Promise<Actor> => {
    const tenant = await createTenant(testApp, name);
    return { credentials: tenant, token: await issueToken(testApp, tenant) };
  };

  /** Rows of a tenant in each table that ingestion writes. */
  const storedFor = async (tenant: TenantCredentials) => {
    const tenantId = await tenantIdOf(testApp, tenant.tenant);
    const counts: Record<string, number> = {};
    for (const table of ['devices', 'positions', 'device_events', 'tracker_messages']) {
      const [{ count }] = await testApp.dataSource.query<{ count: number }[]>(
        `SELECT count(*)::int AS count FROM ${table} WHERE tenant_id = $1`,
        [tenantId],
      );
      counts[table] = count;
    }
    return counts;
  };
  let readerStoredBefore: Record<string, number>;

  beforeAll(async () => {
    testApp = await createTestApp({
      env: {
        // Inputs are under test here, not limits: none of these may refuse a request (a 429
        // would be a finding).
        RATE_LIMIT_API_PER_MINUTE: '1000000',
        RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '1000000',
        RATE_LIMIT_TELEMETRY_ENABLED: 'false',
        EXPORT_MAX_CONCURRENT: '8',
        EXPORT_MAX_PER_TENANT: '8',
      },
    });
    port = Number(new URL(await listeningUrl(testApp)).port);

    const [writer, reader, other] = [
      await newActor('Fuzz Writer'),
      await newActor('Fuzz Reader'),
      await newActor('Fuzz Other'),
    ];
    const claims = claimsOf(writer.token);
    const now = Math.floor(Date.now() / 1000);
    const forgedTokens = [
      signToken(claims, 'another-secret-of-at-least-thirty-two-characters'),
      signToken({ ...claims, iat: now - 7200, exp: now - 3600 }),
      signToken({ ...claims, tid: await tenantIdOf(testApp, other.credentials.tenant) }),
      signToken({ ...claims, sub: '00000000-0000-0000-0000-000000000000' }),
      signToken({ ...claims, sub: "' OR 1=1 --" }),
    ];

    const imei = randomImei();
    const trackerId = randomTrackerId();
    const readerId = await tenantIdOf(testApp, reader.credentials.tenant);
    await storeDeviceData(testApp, readerId, {
      positions: [
        ...track(imei, 40),
        position(imei, '2026-04-04T09:00:00Z', { address: "=cmd|' /C calc'!A0" }),
        position(imei, '2026-04-04T09:00:01Z', { address: 'a\u0001b\u000bc <&>' }),
      ],
      events: ['BATTERY_LOW', 'SHOCK', 'GEOFENCE_ENTER'].map((type, i) =>
        deviceEvent(imei, `2026-04-04T10:0${i}:00Z`, { type }),
      ),
    });
    await storeDeviceData(testApp, readerId, {
      kind: 'asset-tracker',
      positions: track(trackerId, 5),
      // An Asset Tracker alert: an event without a code.
      events: [deviceEvent(trackerId, '2026-04-04T10:00:00Z', { type: 'SHOCK', code: null })],
    });

    fx = {
      writer: {
        ...writer,
        imeis: Array.from({ length: 4 }, () => randomImei()),
        trackerIds: Array.from({ length: 4 }, () => randomTrackerId()),
      },
      reader: {
        ...reader,
        deviceIds: [imei, trackerId],
        keys: {
          devices: [imei],
          positions: ['2026-04-04T10:00:30.000Z', '101'],
          events: ['2026-04-04T10:01:00.000Z', 'SHOCK'],
        },
      },
      other,
      forgedTokens,
    };
    readerStoredBefore = await storedFor(reader.credentials);

    cases = drawCases(seededRandom(SEED), fx);
    const logged = jest
      .spyOn(Logger.prototype, 'error')
      .mockImplementation((...args: unknown[]) => void errorsLogged.push(args));
    const started = Date.now();
    outcomes = (await exchangeAll(port, cases, CONCURRENCY)).map((result, index) => ({
      fuzzCase: cases[index],
      ...result,
    }));
    fuzzSeconds = (Date.now() - started) / 1000;
    logged.mockRestore();
  }, 180_000);

  afterAll(async () => {
    await testApp?.close();
  });

  /** The findings of the run, with its seed, so that a failure can be drawn again. */
  const expectNone = (findings: string[]) =>
    expect({ seed: SEED, findings: findings.slice(0, 25), count: findings.length }).toEqual({
      seed: SEED,
      findings: [],
      count: 0,
    });

  it('has a row for every route of the OpenAPI document but the Twilio-compatible ones', async () => {
    const document = (await testApp.http.get('/docs/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    // Those answer in Twilio's format, with form bodies: twilio-bad-input-fuzz.e2e-spec.ts.
    const documented = Object.entries(document.paths)
      .filter(([path]) => !/^\/(wireless|microvisor|microvisor-upload)\//.test(path))
      .flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      );
    const rows = ROUTES.filter((route) => route.documented).map(
      (route) => `${route.method} ${route.path}`,
    );
    expect([...new Set(rows)].sort()).toEqual(documented.sort());
  });

  it('draws only writes that must be refused', () => {
    const acceptable = cases
      .filter((c) => c.text !== undefined && ACCEPTABLE[c.route.path](c.text, fx))
      .map((c) => `#${c.index} ${c.route.path} [${c.label}] ${c.text!.slice(0, 200)}`);
    expectNone(acceptable);
  });

  it('answers every request, never with a 5xx, a 408 or a 429', () => {
    const statuses = new Map<string, number>();
    for (const { answer } of outcomes) {
      const status = String(answer?.status ?? 'none');
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    process.stdout.write(
      `bad-input fuzz: seed ${SEED}, ${cases.length} requests in ${fuzzSeconds.toFixed(1)} s, ` +
        `by status: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}\n`,
    );
    // Every body is sent whole (or declared longer than any the server takes): a 408 waited for
    // what was never coming. The limits are set out of the way: a 429 refused for the rate.
    expectNone(
      outcomes
        .filter(
          ({ answer }) => !answer || answer.status >= 500 || [408, 429].includes(answer.status),
        )
        .map(describeOutcome),
    );
  });

  it('answers every 4xx in the error envelope, its code matching its status', () => {
    expectNone(
      outcomes
        .filter(({ answer }) => answer && answer.status >= 400 && answer.status < 500)
        .map((outcome) => ({ outcome, problem: envelopeProblem(outcome.answer!) }))
        .filter(({ problem }) => problem !== undefined)
        .map(({ outcome, problem }) => `${problem}: ${describeOutcome(outcome)}`),
    );
  });

  it('refuses every write (4xx)', () => {
    expectNone(
      outcomes
        .filter(
          ({ fuzzCase, answer }) =>
            fuzzCase.route.method === 'POST' &&
            answer &&
            (answer.status < 400 || answer.status >= 500),
        )
        .map(describeOutcome),
    );
  });

  it('answers every success whole, and as valid JSON where it says JSON', () => {
    expectNone(
      outcomes
        .filter(({ answer }) => answer && answer.status < 300)
        .filter(({ answer }) => {
          if (!answer!.complete) return true;
          if (!isJsonType(answer!)) return false;
          try {
            JSON.parse(answer!.body);
            return false;
          } catch {
            return true;
          }
        })
        .map(describeOutcome),
    );
  });

  it('reaches past validation: every read route answered both 2xx and 4xx', () => {
    const seen = new Map<string, Set<string>>();
    for (const { fuzzCase, answer } of outcomes) {
      if (!answer) continue;
      const name = routeName(fuzzCase.route);
      seen.set(name, (seen.get(name) ?? new Set()).add(`${String(answer.status)[0]}xx`));
    }
    const apiReads = ROUTES.filter((r) => r.method === 'GET' && r.auth === 'jwt').map(routeName);
    const operationsReads = ROUTES.filter((r) => r.auth === 'none').map(routeName);
    expect({
      apiReads: apiReads.map((name) => [
        name,
        seen.get(name)?.has('2xx') && seen.get(name)?.has('4xx'),
      ]),
      operations: operationsReads.map((name) => [name, seen.get(name)?.has('2xx')]),
    }).toEqual({
      apiReads: apiReads.map((name) => [name, true]),
      operations: operationsReads.map((name) => [name, true]),
    });
  });

  it('logs no error while serving them', () => {
    expectNone(errorsLogged.map((args) => JSON.stringify(args).slice(0, 400)));
  });

  it('stores nothing for the writer, once the queues have drained, and changes nothing else', async () => {
    // A marker from another tenant, sent after the fuzz: once it is stored, so is anything the
    // fuzz could have queued before it.
    const imei = randomImei();
    const message = trackerMessage();
    await testApp.http
      .post('/apidev/v1/telemetry')
      .set(apiHeaders(fx.other.credentials, fx.other.token))
      .send([telemetryPoint({ imei })])
      .expect(200);
    await testApp.http
      .post('/data')
      .auth(...northboundCredentials(fx.other.credentials))
      .send(message)
      .expect(200);
    // Two devices; a position each (the message's location is one); the message.
    const marker = { devices: 2, positions: 2, device_events: 0, tracker_messages: 1 };
    expect(
      await waitFor(
        () => storedFor(fx.other.credentials),
        (counts) => JSON.stringify(counts) === JSON.stringify(marker),
        { timeoutMs: 15_000 },
      ),
    ).toEqual(marker);

    expect(await storedFor(fx.writer.credentials)).toEqual({
      devices: 0,
      positions: 0,
      device_events: 0,
      tracker_messages: 0,
    });
    expect(await storedFor(fx.reader.credentials)).toEqual(readerStoredBefore);
    for (const name of [TELEMETRY_QUEUE, NORTHBOUND_QUEUE]) {
      const queue = testApp.app.get<Queue>(getQueueToken(name), { strict: false });
      expect({ name, ...(await queue.getJobCounts()) }).toMatchObject({
        name,
        waiting: 0,
        active: 0,
        delayed: 0,
        failed: 0,
      });
    }
  });
});

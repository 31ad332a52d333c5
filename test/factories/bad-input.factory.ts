import type { CursorKind } from '../../src/devices/keyset-cursor';
import type { Random } from '../utils/prng';
import { randomJson } from './telemetry-fuzz.factory';

/**
 * Seeded bad input for any route: odd text for identifiers and query values, odd times, crafted
 * cursors, odd credentials, odd requests. (Bodies: bad-body.factory.ts.)
 */

/** A header line as sent. */
export type HeaderLine = readonly [string, string];

/** One drawn value and what it is, for the report of a failing request. */
export interface Drawn<T = string> {
  label: string;
  value: T;
}

const UNRESERVED = /^[A-Za-z0-9._~-]$/;

/** Bytes as a request target carries them: all but the unreserved ones percent-encoded. */
export function percentEncoded(bytes: Buffer | string): string {
  return [...Buffer.from(bytes)]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

export const bytes = (...values: number[]) => Buffer.from(values);

/**
 * Odd text for a path parameter or a query value, already in the request target's form: text as
 * UTF-8, percent-encoded; byte sequences that are not UTF-8 (a lone surrogate as WTF-8, overlong
 * forms); and a few written as they are (a broken escape, raw bytes past ASCII).
 */
const ODD_TEXT: Drawn[] = [
  ...(
    [
      ['empty', ''],
      ['NUL', 'a\u0000b'],
      ['SOH', '\u0001'],
      ['vertical tab', 'a\u000bb'],
      ['escape sequence', '\u001b[31mred'],
      ['DEL', 'a\u007f'],
      ['C1 control (NEL)', 'a\u0085b'],
      ['CR LF', 'a\r\nSet-Cookie: x=1'],
      ['tab', '\t'],
      ['space', ' '],
      ['emoji', '\u{1F600}'],
      ['byte order mark', '\uFEFFabc'],
      ['right-to-left override', '\u202Eabc'],
      ['combining mark', 'e\u0301'],
      ['65 characters', 'x'.repeat(65)],
      ['4,000 characters', '9'.repeat(4000)],
      ['dot segments', '..'],
      ['slash', 'a/b'],
      ['percent', '%'],
      ['SQL', "'; DROP TABLE devices;--"],
      ['LIKE wildcards', '%_\\'],
      ['markup', '"}<script>alert(1)</script>'],
      ['format string', '%s%n%x'],
      ['prototype', '__proto__'],
      ['negative', '-1'],
      ['huge number', '1e309'],
      ['NaN', 'NaN'],
    ] as const
  ).map(([label, text]) => ({ label, value: percentEncoded(text) })),
  { label: 'lone surrogate (WTF-8)', value: percentEncoded(bytes(0xed, 0xa0, 0x80)) },
  { label: 'invalid UTF-8 (FF)', value: percentEncoded(bytes(0x61, 0xff)) },
  { label: 'overlong "/"', value: percentEncoded(bytes(0xc0, 0xaf)) },
  { label: 'lone continuation byte', value: percentEncoded(bytes(0x80)) },
  { label: 'truncated sequence', value: percentEncoded(bytes(0x61, 0xe2, 0x82)) },
  { label: 'broken escape', value: '%E0%A4%A' },
  { label: 'bare percent', value: 'a%zz' },
  { label: 'raw bytes past ASCII', value: '\u00c3\u00a9\u00ff' },
  { label: 'plus', value: 'a+b' },
];

export const oddText = (random: Random): Drawn => random.pick(ODD_TEXT);

const two = (random: Random, max: number) => String(random.int(max)).padStart(2, '0');
const digits = (random: Random, count: number) =>
  Array.from({ length: count }, () => String(random.int(10))).join('');
const edgeYear = (random: Random) =>
  random.pick(['0000', '0001', '1969', '1970', '2026', '9999', digits(random, 4)]);

const ODD_TIMES = [
  // Well-formed, but out of the range PostgreSQL takes (year 0, offsets past ±15:59).
  '0000-01-01',
  '0000-12-31T23:59:59Z',
  '9999-12-31T23:59:59.999999-01:00',
  '2026-01-01T00:00+23:59',
  '2026-01-01T00:00:00-16:00',
  '2026-01-01T00:00+14:01',
  '',
  'now',
  'null',
  '1e12',
  '1712240000',
  '-000001-01-01T00:00:00Z',
  '+002026-01-01T00:00:00Z',
  '10000-01-01',
  '2026-01-01T00:00:00ZZ',
  '2026-01-01T00:00:00+0100',
  '2026-01-01T24:00:00Z',
  '2026-1-1',
  '2026-W01',
  '2026-01-01T00:00:00.1234567890Z',
  ' 2026-01-01',
  '2026-01-01 00:00:00',
  '\u0662\u0660\u0662\u0666-\u0660\u0661-\u0660\u0661',
  '2026-01-01T00:00:00\u0000',
  '9'.repeat(40),
];

/**
 * A time for `from`, `to` or `seenSince` (as text, before encoding): mostly the parameters' form
 * with each part drawn from its edges and beyond (years 0000 and 9999, month 13, offsets past
 * ±14:00), some valid, and some that only look like times.
 */
export function oddTime(random: Random): Drawn {
  if (random.chance(0.4)) return { label: 'odd time', value: random.pick(ODD_TIMES) };
  const date = `${edgeYear(random)}-${two(random, 14)}-${two(random, 33)}`;
  if (random.chance(0.15)) return { label: 'date', value: date };
  let value = `${date}T${two(random, 26)}:${two(random, 62)}`;
  if (random.chance(0.7)) value += `:${two(random, 62)}`;
  if (random.chance(0.3)) value += `.${digits(random, 1 + random.int(9))}`;
  const zone = random.int(4);
  if (zone === 1) value += 'Z';
  if (zone >= 2) value += `${random.pick(['+', '-'])}${two(random, 25)}:${two(random, 62)}`;
  return { label: 'date-time', value };
}

const base64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');
const cursorOf = (value: unknown) => base64url(JSON.stringify(value));

/** What a history cursor's tiebreaker (event code or event type) might be instead. */
const ODD_KEYS: unknown[] = [
  '',
  '101',
  'BATTERY_LOW',
  'x'.repeat(41),
  'a\u0000b',
  '\ud800',
  '\u0001',
  '%',
  42,
  null,
  [],
];

/**
 * A cursor as a client could forge one (cursors are base64url JSON, `[kind, ...key]`): keys of
 * odd times and ids, of another listing, of the wrong length or type, and strings that are not
 * cursors at all. `validKey` is a real key of this listing, so that some cursors are good ones.
 */
export function craftedCursor(random: Random, kind: CursorKind, validKey: string[]): Drawn {
  const other = random.pick(
    (['devices', 'positions', 'events'] as const).filter((k) => k !== kind),
  );
  const time = () =>
    random.chance(0.5)
      ? `${edgeYear(random)}-${two(random, 14)}-${two(random, 33)}T${two(random, 26)}:${two(random, 62)}:${two(random, 62)}.${digits(random, random.pick([3, 6]))}Z`
      : oddTime(random).value;
  const forged: [string, () => string][] = [
    ['a real key', () => cursorOf([kind, ...validKey])],
    [
      'an odd key',
      () =>
        cursorOf(
          kind === 'devices'
            ? [kind, random.pick([...ODD_KEYS, 'x'.repeat(65), validKey[0]])]
            : [kind, time(), random.pick([...ODD_KEYS, validKey[1]])],
        ),
    ],
    ['an odd time', () => cursorOf([kind, time(), validKey[validKey.length - 1]])],
    ['year 0', () => cursorOf([kind, '0000-01-01T00:00:00.000Z', validKey[validKey.length - 1]])],
    ['another listing', () => cursorOf([other, ...validKey])],
    ['too short', () => cursorOf([kind])],
    ['too long', () => cursorOf([kind, ...validKey, 'x'])],
    ['not an array', () => cursorOf({ kind, key: validKey })],
    ['JSON of another type', () => cursorOf(random.pick([null, 1, 'x', true]))],
    ['not JSON', () => base64url(`[${kind},`)],
    ['not UTF-8', () => base64url(bytes(0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d))],
    ['not base64url', () => random.pick(['!!!', 'a+b/c=', 'a b', '=', '..'])],
    ['600 characters', () => 'A'.repeat(600)],
    ['random JSON', () => cursorOf(randomJson(random, 2))],
    ['empty', () => ''],
  ];
  const [label, make] = random.pick(forged);
  return { label: `cursor: ${label}`, value: percentEncoded(make()) };
}

/** An `Authorization` value of another scheme, form or content than a good Bearer token. */
export function oddBearer(random: Random, token: string, forged: string[]): Drawn {
  const [header, payload] = token.split('.');
  const unsigned = `${base64url('{"alg":"none","typ":"JWT"}')}.${payload}.`;
  return random.pick<Drawn>([
    { label: 'scheme only', value: 'Bearer' },
    { label: 'no scheme', value: token },
    { label: 'Basic scheme', value: `Basic ${token}` },
    { label: 'signature cut', value: `Bearer ${token.slice(0, -3)}` },
    { label: 'alg none', value: `Bearer ${unsigned}` },
    { label: 'header swapped', value: `Bearer ${header}.${header}.${header}` },
    { label: 'three dots', value: 'Bearer a.b.c' },
    { label: 'garbage', value: `Bearer ${'x'.repeat(1 + random.int(200))}` },
    { label: '8 kB token', value: `Bearer ${'A'.repeat(8000)}` },
    { label: 'two tokens', value: `Bearer ${token}, Bearer ${token}` },
    { label: 'byte past ASCII', value: `Bearer ${token}\u00ff` },
    { label: 'forged token', value: `Bearer ${random.pick(forged)}` },
  ]);
}

/** An `Authorization` value that is not `Basic base64(user:password)` of a real credential. */
export function oddBasic(random: Random, username: string, password: string): Drawn {
  const basic = (text: string | Buffer) => `Basic ${base64url(text).replace(/-/g, '+')}`;
  return random.pick<Drawn>([
    { label: 'scheme only', value: 'Basic' },
    { label: 'not base64', value: 'Basic !!!!' },
    { label: 'no colon', value: basic(username) },
    { label: 'colon only', value: basic(':') },
    { label: 'no password', value: basic(`${username}:`) },
    { label: 'no user', value: basic(`:${password}`) },
    { label: 'password with a colon suffix', value: basic(`${username}:${password}:x`) },
    { label: 'password with NUL', value: basic(`${username}:${password}\u0000`) },
    { label: 'user with a control character', value: basic(`${username}\u0001:${password}`) },
    { label: 'not UTF-8', value: basic(Buffer.concat([bytes(0xff, 0xfe), Buffer.from(':x')])) },
    { label: '8 kB', value: `Basic ${'A'.repeat(8000)}` },
    { label: 'Digest', value: `Digest username="${username}", realm="northbound"` },
    { label: 'Bearer', value: `Bearer ${password}` },
  ]);
}

/** What of a request an oddity may change. */
export interface RequestParts {
  method: string;
  target: string;
  headers: HeaderLine[];
}

type Oddity = (request: RequestParts, random: Random) => void;

/** Oddities of a request itself, whatever its route: its method, target, headers. */
const ODDITIES: Drawn<Oddity>[] = [
  {
    label: 'a method the route does not take',
    value: (request, random) =>
      (request.method = random.pick([
        'PUT',
        'DELETE',
        'PATCH',
        request.method === 'GET' ? 'POST' : 'GET',
      ])),
  },
  { label: 'OPTIONS', value: (request) => (request.method = 'OPTIONS') },
  {
    label: 'a control character in a header',
    value: (request) => request.headers.push(['X-Fuzz', 'a\u0001b']),
  },
  { label: 'NUL in a header', value: (request) => request.headers.push(['X-Fuzz', 'a\u0000b']) },
  {
    label: 'a header past the size limit',
    value: (request) => request.headers.push(['X-Pad', 'a'.repeat(20_000)]),
  },
  {
    label: 'a control character in the target',
    value: (request) =>
      (request.target += request.target.includes('?') ? '&x=\u0001' : '?x=\u0001'),
  },
  { label: 'a space in the target', value: (request) => (request.target += ' x') },
  { label: 'a fragment', value: (request) => (request.target += '#fragment') },
  {
    label: 'an absolute-form target',
    value: (request) => (request.target = `http://127.0.0.1${request.target}`),
  },
  {
    label: 'Expect: 100-continue',
    value: (request) => request.headers.push(['Expect', '100-continue']),
  },
  {
    label: 'an Expect the server cannot meet',
    value: (request) => request.headers.push(['Expect', 'teapot']),
  },
  {
    label: 'an odd Accept',
    value: (request, random) =>
      request.headers.push([
        'Accept',
        random.pick(['text/csv', 'application/xml', '*/*;q=0', 'text/event-stream', '\u00ff']),
      ]),
  },
  {
    label: 'an odd X-Request-Id',
    value: (request, random) =>
      request.headers.push([
        'X-Request-Id',
        random.pick(['', '../x', 'x'.repeat(500), '\u00e9', 'a b']),
      ]),
  },
  {
    label: 'an odd X-Forwarded-For',
    value: (request, random) =>
      request.headers.push([
        'X-Forwarded-For',
        random.pick(['garbage', '::1, 10.0.0.1', `${'1.'.repeat(500)}1`]),
      ]),
  },
];

/** Makes `request` odd one way, drawn from `random`; says which. */
export function addOddity(random: Random, request: RequestParts): string {
  const { label, value: apply } = random.pick(ODDITIES);
  apply(request, random);
  return label;
}

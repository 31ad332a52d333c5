import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { Random } from '../utils/prng';
import { bytes, type Drawn, type HeaderLine } from './bad-input.factory';
import { ASSET_TRACKER_SAMPLES, fuzzTrackerBodies } from './northbound.factory';
import { randomJson, validFuzzPoint } from './telemetry-fuzz.factory';

/**
 * Seeded bad request bodies: ways of declaring and encoding a body (charsets, encodings, bytes
 * that are not UTF-8), and bodies of each write route with a defect that the API must refuse.
 */

/** A request body's `Content-Type` / `Content-Encoding` lines and the bytes sent for a JSON text. */
export interface BodyTransport {
  label: string;
  headers: HeaderLine[];
  encode(json: Buffer): Buffer;
  /** True when the API must refuse the request whatever the body holds. */
  refusesAnyBody: boolean;
}

const JSON_TYPE: HeaderLine = ['Content-Type', 'application/json'];
const asIs = (json: Buffer) => json;

type Encode = (json: Buffer) => Buffer;
type Way = Omit<BodyTransport, 'refusesAnyBody'>;

const way = (label: string, headers: HeaderLine[], encode: Encode = asIs): Way => ({
  label,
  headers,
  encode,
});
const contentType = (type: string): Way => way(`Content-Type "${type}"`, [['Content-Type', type]]);
const contentEncoding = (label: string, encoding: string, encode: Encode): Way =>
  way(`Content-Encoding ${label}`, [JSON_TYPE, ['Content-Encoding', encoding]], encode);

/** Bytes that are not UTF-8, put at the start of the body's first string value. */
function notUtf8(label: string, sequence: Buffer): Way {
  return way(`not UTF-8: ${label}`, [JSON_TYPE], (json) => {
    const at = json.indexOf('":"');
    const cut = at < 0 ? 1 : at + 3;
    return Buffer.concat([json.subarray(0, cut), sequence, json.subarray(cut)]);
  });
}

const utf16le = (json: Buffer) => Buffer.from(json.toString(), 'utf16le');

/** The ways a body can be declared and encoded that the API reads as UTF-8 JSON. */
const ACCEPTED_TRANSPORTS: BodyTransport[] = [
  way('application/json', [JSON_TYPE]),
  contentType('application/json; charset=utf-8'),
  contentType('APPLICATION/JSON; Charset=UTF-8'),
  contentType('application/json; charset="utf-8"'),
  contentType('application/json;;charset=utf-8'),
  // Both the check and the parser take the first charset.
  contentType('application/json; charset=utf-8; charset=utf-7'),
  way('chunked, no Content-Length', [JSON_TYPE, ['Transfer-Encoding', 'chunked']]),
  way('two Content-Types, JSON first', [JSON_TYPE, ['Content-Type', 'text/plain']]),
  contentEncoding('gzip', 'gzip', gzipSync),
  contentEncoding('GZIP', 'GZIP', gzipSync),
  contentEncoding('deflate', 'deflate', deflateSync),
  contentEncoding('br', 'br', brotliCompressSync),
  contentEncoding('identity', 'identity', asIs),
].map((transport) => ({ ...transport, refusesAnyBody: false }));

/** The ways that make the API refuse any body: not JSON, not UTF-8, not what the headers say. */
const REFUSING_TRANSPORTS: BodyTransport[] = [
  way('no Content-Type', []),
  ...[
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/jsonp',
    'application/vnd.api+json',
    'application/json, text/plain',
    '*/*',
    'application/*',
    'json',
    '',
    'application/json; charset=utf-7',
    'application/json; xcharset=utf-8; charset=utf-7',
    'application/json; charset=utf-7; charset=utf-8',
    'application/json; charset=utf-16',
    'application/json; charset=utf-16le',
    'application/json; charset=iso-8859-1',
    'application/json; charset=latin1',
    'application/json; charset=windows-1252',
    'application/json; charset=us-ascii',
    'application/json; charset=utf8',
    'application/json; charset=',
    'application/json; charset=utf-8, application/json',
  ].map(contentType),
  way('two Content-Types, text first', [['Content-Type', 'text/plain'], JSON_TYPE]),
  contentEncoding('gzip over plain bytes', 'gzip', asIs),
  contentEncoding('deflate over plain bytes', 'deflate', asIs),
  contentEncoding('br over plain bytes', 'br', asIs),
  contentEncoding('deflate over gzip', 'deflate', gzipSync),
  contentEncoding('gzip over brotli', 'gzip', brotliCompressSync),
  contentEncoding('gzip, truncated', 'gzip', (json) => gzipSync(json).subarray(0, -9)),
  contentEncoding('gzip with a bad checksum', 'gzip', (json) => {
    const gzip = gzipSync(json);
    gzip[gzip.length - 6] ^= 0xff;
    return gzip;
  }),
  contentEncoding('gzip over gzip twice', 'gzip', (json) => gzipSync(gzipSync(json))),
  contentEncoding('"gzip, gzip"', 'gzip, gzip', (json) => gzipSync(gzipSync(json))),
  contentEncoding('x-gzip', 'x-gzip', gzipSync),
  contentEncoding('compress', 'compress', asIs),
  contentEncoding('zstd over plain bytes', 'zstd', asIs),
  contentEncoding('gzip, inflating to 2 MB', 'gzip', (json) =>
    gzipSync(Buffer.concat([json, Buffer.alloc(2 * 1024 * 1024, 0x20)])),
  ),
  notUtf8('a lone continuation byte', bytes(0x80)),
  notUtf8('an overlong "/"', bytes(0xc0, 0xaf)),
  notUtf8('a surrogate (WTF-8)', bytes(0xed, 0xa0, 0x80)),
  notUtf8('byte FF', bytes(0xff)),
  notUtf8('a truncated sequence', bytes(0xe2, 0x82)),
  notUtf8('latin1 é', Buffer.from('\u00e9', 'latin1')),
  notUtf8('a code point past U+10FFFF', bytes(0xf4, 0x90, 0x80, 0x80)),
  way('JSON in UTF-16LE with a BOM', [JSON_TYPE], (json) =>
    Buffer.concat([bytes(0xff, 0xfe), utf16le(json)]),
  ),
  way('JSON in UTF-16LE', [JSON_TYPE], utf16le),
  way('JSON in UTF-16BE', [JSON_TYPE], (json) => utf16le(json).swap16()),
  way('Content-Length past the body limit', [
    JSON_TYPE,
    ['Content-Length', String(64 * 1024 * 1024)],
  ]),
  way('two different Content-Lengths', [
    JSON_TYPE,
    ['Content-Length', '2'],
    ['Content-Length', '3'],
  ]),
  way('Content-Length and chunked', [
    JSON_TYPE,
    ['Content-Length', '2'],
    ['Transfer-Encoding', 'chunked'],
  ]),
].map((transport) => ({ ...transport, refusesAnyBody: true }));

/** How to send a body: one time in three a way the API reads, otherwise one it must refuse. */
export const bodyTransport = (random: Random): BodyTransport =>
  random.chance(1 / 3) ? random.pick(ACCEPTED_TRANSPORTS) : random.pick(REFUSING_TRANSPORTS);

/** A JSON text with a defect, in a label that says which. */
export type DefectiveBody = Drawn<string>;

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/**
 * JSON text spoilt in ways no parser accepts (or, for the last three, a body that reads as
 * nothing). A spoiling that finds nothing to spoil in `text` falls back to cutting it short.
 */
function notJson(random: Random, text: string): DefectiveBody {
  const cut = 1 + random.int(text.length - 1);
  const truncated = { label: `cut at ${cut}`, value: text.slice(0, cut) };
  const spoilt = random.pick<DefectiveBody>([
    truncated,
    { label: 'NaN', value: text.replace(/:(-?\d[\d.eE+-]*)/, ':NaN') },
    { label: 'Infinity', value: text.replace(/:(-?\d[\d.eE+-]*)/, ':-Infinity') },
    { label: 'single quotes', value: text.replace(/"/g, "'") },
    { label: 'trailing comma', value: text.replace(/}/, ',}') },
    { label: 'comment', value: text.replace(/{/, '{/* c */') },
    { label: 'escape \\x41', value: text.replace(/":"/, '":"\\x41') },
    { label: 'short \\u escape', value: text.replace(/":"/, '":"\\u12') },
    { label: 'raw control character in a string', value: text.replace(/":"/, '":"\u0001') },
    { label: 'trailing garbage', value: `${text}x` },
    { label: 'two documents', value: `${text} ${text}` },
    { label: 'empty', value: '' },
    { label: 'whitespace', value: ' \n' },
    { label: 'byte order mark only', value: '\uFEFF' },
  ]);
  return spoilt.value.trim() === '' || spoilt.value === '\uFEFF' || !parses(spoilt.value)
    ? spoilt
    : truncated;
}

/** Values no field of a telemetry point accepts, by field; each alone makes its point invalid. */
const POINT_DEFECTS: [field: string, value: unknown][] = [
  ['imei', ''],
  ['imei', 'a\u0000b'],
  ['imei', '\u0001352093081234567'],
  ['imei', '35209308123\u000b4567'],
  ['imei', '352093081234567\u007f'],
  ['imei', 'a\u0085b'],
  ['imei', '\ud800352093081234567'],
  ['imei', 'x'.repeat(51)],
  ['imei', 352093081234567],
  ['imei', null],
  ['eventcode', '999'],
  ['eventcode', ''],
  ['eventcode', 101],
  ['datetime', '0500-01-01T00:00:00'],
  ['datetime', '2999-01-01T00:00:00'],
  ['datetime', '1969-12-31T23:59:59'],
  ['datetime', '2026-02-30T10:00:00'],
  ['datetime', '2026-04-04T24:00:00'],
  ['datetime', '2026-04-04T14:30:00Z'],
  ['datetime', 'now'],
  ['datetime', ''],
  ['datetime', 1712240000],
  ['latitude', '95'],
  ['latitude', '-90.0000001'],
  ['latitude', 'NaN'],
  ['latitude', 'Infinity'],
  ['latitude', ''],
  ['latitude', -34.6],
  ['longitude', '180.1'],
  ['longitude', '-181'],
  ['altitude', 'high'],
  ['altitude', null],
  ['speed', -1],
  ['speed', 'fast'],
  ['heading', 361],
  ['heading', -0.5],
  ['satellites', 256],
  ['satellites', 1.5],
  ['fix', 'true'],
  ['ignition', 1],
  ['accuracy', '-1'],
  ['odometer', 'x'],
  ['horometer', -1],
  ['address', 'a\u0000b'],
  ['address', 'x'.repeat(501)],
  ['temperature', 20],
  ['Imei', '352093081234567'],
  ['', 1],
];

const REQUIRED_FIELDS = [
  'imei',
  'eventcode',
  'fix',
  'datetime',
  'latitude',
  'longitude',
  'altitude',
  'speed',
  'heading',
];

/**
 * A telemetry body the API must refuse: a batch of valid points of `imeis` (some fields first
 * scrambled at random) with one point made invalid last, a body that is not a batch, or JSON
 * text that does not parse.
 */
export function refusedTelemetryBody(random: Random, imeis: readonly string[]): DefectiveBody {
  const batch: Record<string, unknown>[] = Array.from({ length: 1 + random.int(4) }, () =>
    validFuzzPoint(random, imeis),
  );
  const roll = random.next();
  if (roll < 0.55) {
    for (let i = random.int(3); i > 0; i--) {
      random.pick(batch)[random.pick(REQUIRED_FIELDS)] = randomJson(random, 2);
    }
    const index = random.int(batch.length);
    if (random.chance(0.15)) {
      const field = random.pick(REQUIRED_FIELDS);
      delete batch[index][field];
      return { label: `point ${index} without ${field}`, value: JSON.stringify(batch) };
    }
    const [field, value] = random.pick(POINT_DEFECTS);
    batch[index][field] = value;
    return {
      label: `point ${index}: ${field} = ${JSON.stringify(value).slice(0, 40)}`,
      value: JSON.stringify(batch),
    };
  }
  if (roll < 0.7) {
    const value = random.pick<unknown>([
      {},
      batch[0],
      'text',
      42,
      true,
      [],
      [[]],
      [null],
      [1],
      [batch],
    ]);
    return {
      label: `not a batch: ${JSON.stringify(value).slice(0, 40)}`,
      value: JSON.stringify(value),
    };
  }
  if (roll < 0.8) {
    const text = JSON.stringify(batch);
    const [label, value] = random.pick([
      [
        'a duplicate key, the last invalid',
        text.replace(/"latitude":"[^"]*"/, (pair) => `${pair},"latitude":"95"`),
      ],
      ['a lone surrogate escape', text.replace('"imei":"', '"imei":"\\udc00')],
      [
        'a field nested 10,000 deep',
        text.replace(/"altitude":[^,}]+/, `"altitude":${'['.repeat(10_000)}${']'.repeat(10_000)}`),
      ],
    ]);
    return { label, value };
  }
  const broken = notJson(random, JSON.stringify(batch));
  return { label: `not JSON: ${broken.label}`, value: broken.value };
}

/** trackerIds no message can be stored under. */
const TRACKER_ID_DEFECTS: unknown[] = [
  undefined,
  null,
  42,
  true,
  [],
  {},
  ['600a0002d7026715'],
  '',
  'x'.repeat(65),
  'a\u0000b',
  '\u0001600a0002d7026715',
  '600a0002d7026715\u007f',
  'a\u0085b',
  '\ud800',
  '600a\udc00',
];

/** A tracker message the API must refuse, without a usable trackerId or not a message at all. */
export function refusedTrackerBody(random: Random, trackerIds: string[]): DefectiveBody {
  const [fuzzed] = fuzzTrackerBodies(random, 1, trackerIds);
  const value = fuzzed.kind === 'json' ? fuzzed.value : undefined;
  const roll = random.next();
  if (roll < 0.6 && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const message = value as Record<string, unknown>;
    const trackerId = random.pick(TRACKER_ID_DEFECTS);
    if (trackerId === undefined) delete message.trackerId;
    else message.trackerId = trackerId;
    return {
      label: `${fuzzed.label}, trackerId = ${JSON.stringify(trackerId) ?? 'absent'}`,
      value: JSON.stringify(message),
    };
  }
  const sample = JSON.stringify({
    ...random.pick(Object.values(ASSET_TRACKER_SAMPLES)),
    trackerId: random.pick(trackerIds),
  });
  if (roll < 0.7) {
    const other = random.pick<unknown>([[JSON.parse(sample)], 'text', 42, true, null, []]);
    return {
      label: `not an object: ${JSON.stringify(other).slice(0, 30)}`,
      value: JSON.stringify(other),
    };
  }
  if (roll < 0.8) {
    return random.pick<DefectiveBody>([
      {
        label: 'a duplicate trackerId, the last empty',
        value: `${sample.slice(0, -1)},"trackerId":""}`,
      },
      {
        label: 'nested 70 deep',
        value: `${sample.slice(0, -1)},"deep":${'['.repeat(70)}${']'.repeat(70)}}`,
      },
    ]);
  }
  const broken = notJson(random, sample);
  return { label: `not JSON: ${broken.label}`, value: broken.value };
}

/**
 * A token request the API must refuse: never the right password, and sometimes a username no
 * user can have, fields of the wrong type or too long, or a body that is not an object.
 */
export function refusedTokenBody(
  random: Random,
  username: string,
  password: string,
): DefectiveBody {
  const wrongPassword = random.pick([
    `${password}x`,
    password.slice(1),
    `${password}:x`,
    `${password}\u0000`,
    password.toUpperCase() === password ? `${password}a` : password.toUpperCase(),
    '',
    'p'.repeat(201),
  ]);
  const roll = random.next();
  if (roll < 0.45) {
    const name = random.pick<unknown>([
      username,
      `${username}\u0000`,
      `\u0001${username}`,
      `${username}\u007f`,
      `${username}\ud800`,
      ` ${username}`,
      username.toUpperCase(),
      '',
      'u'.repeat(101),
      42,
      null,
      [username],
      {},
    ]);
    return {
      label: `username ${JSON.stringify(name)?.slice(0, 30)}, a wrong password`,
      value: JSON.stringify({ username: name, password: wrongPassword }),
    };
  }
  if (roll < 0.65) {
    const value = random.pick<unknown>([
      { username },
      { password: wrongPassword },
      { username, password: wrongPassword, role: 'admin' },
      { username, password: 42 },
      [{ username, password: wrongPassword }],
      'text',
      null,
      {},
    ]);
    return {
      label: `odd body ${JSON.stringify(value).slice(0, 40)}`,
      value: JSON.stringify(value),
    };
  }
  const text = JSON.stringify({ username, password: wrongPassword });
  if (roll < 0.75) {
    return {
      label: 'a duplicate password, the last wrong',
      value: text.replace('"password":', `"password":${JSON.stringify(password)},"password":`),
    };
  }
  const broken = notJson(random, text);
  return { label: `not JSON: ${broken.label}`, value: broken.value };
}

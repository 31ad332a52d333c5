import { EVENT_CODE_LIST } from '../../src/telemetry/event-codes';
import type { Random } from '../utils/prng';
import { TELEMETRY_FIELDS } from '../utils/telemetry-oracle';
import type { TelemetryPointBody } from './telemetry.factory';

/** One fuzz request: a value supertest serialises, or raw text sent as it is. */
export type FuzzBody =
  { kind: 'json'; label: string; value: unknown } | { kind: 'raw'; label: string; text: string };

const FIELD_NAMES = Object.keys(TELEMETRY_FIELDS);
const ABSENT = Symbol('absent');
const DAY = 24 * 3600 * 1000;

/** Characters random strings are made of: digits, signs, JSON's specials, NUL, surrogates, emoji. */
const CHARS = [
  ...'0123456789-+.eETZ:x ',
  '"',
  '\\',
  '\u0000',
  '\u001f',
  '\ud800',
  '\udc00',
  '\uFEFF',
  '\uFE0F',
  '\u0301',
  '\u{1F600}',
  'ñ',
  '\n',
];

function randomString(random: Random, maxLength: number): string {
  return Array.from({ length: random.int(maxLength + 1) }, () => random.pick(CHARS)).join('');
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().slice(0, 19);

function decimal(random: Random, limit: number, negative: boolean, fractionDigits = 20): string {
  const whole = random.int(limit);
  const fraction = random.chance(0.7)
    ? `.${Array.from({ length: 1 + random.int(fractionDigits) }, () => random.int(10)).join('')}`
    : '';
  return `${negative && random.chance(0.5) ? '-' : ''}${whole}${fraction}`;
}

/** A valid point of one of a few devices, dated in the past (well clear of the future limit). */
export function validFuzzPoint(random: Random, imeis: readonly string[]): TelemetryPointBody {
  const at = Date.now() - DAY - random.int(500 * DAY);
  let datetime = isoSeconds(at);
  if (random.chance(0.3))
    datetime += `.${String(random.int(1e6))
      .padStart(6, '0')
      .slice(0, 1 + random.int(6))}`;
  const point: TelemetryPointBody = {
    imei: random.pick(imeis),
    eventcode: random.pick(EVENT_CODE_LIST),
    fix: random.chance(0.8),
    datetime,
    latitude: decimal(random, 90, true),
    longitude: decimal(random, 180, true),
    altitude: random.int(4000) - 100,
    speed: random.chance(0.5) ? random.int(200) : random.next() * 200,
    heading: random.chance(0.5) ? random.int(361) : random.next() * 360,
  };
  if (random.chance(0.5)) point.satellites = random.int(256);
  if (random.chance(0.5)) point.ignition = random.chance(0.5);
  if (random.chance(0.5)) point.accuracy = decimal(random, 100, false, 3);
  if (random.chance(0.5)) point.odometer = decimal(random, 1e6, false, 3);
  if (random.chance(0.2)) point.horometer = random.next() * 1e4;
  if (random.chance(0.2))
    point.address = `Av. Corrientes ${random.int(9999)}, CABA ${random.pick(['', 'ñandú', '\u{1F697}'])}`;
  return point;
}

/** Values worth putting in `field`: every JSON type, edges of its rules, and known-bad strings. */
function fieldMutations(field: string): unknown[] {
  const max = TELEMETRY_FIELDS[field].maxLength ?? 10;
  const future = (ms: number) => isoSeconds(Date.now() + ms);
  return [
    ABSENT,
    null,
    true,
    false,
    0,
    -0,
    -1,
    1.5,
    -1e-9,
    255,
    256,
    360,
    360.5,
    1e308,
    -1e308,
    2 ** 53,
    '',
    ' ',
    '12',
    'x'.repeat(max),
    'x'.repeat(max + 1),
    '9'.repeat(max + 1),
    '\u{1F600}'.repeat(max),
    '\u{1F600}'.repeat(max + 1),
    'a\u0000b',
    'a\ud800b',
    '\udc00',
    [],
    ['101'],
    {},
    { imei: '1' },
    '1e3',
    ' 12',
    '+12',
    '12.',
    '.5',
    '0x10',
    'NaN',
    'Infinity',
    '-0',
    '90.0000001',
    '-180',
    '180.1',
    '2026-04-04T14:30:00Z',
    '2026-04-04T14:30:00+02:00',
    '2026-04-04T14:30:00.123456789',
    '2026-02-30T10:00:00',
    '2024-02-29T10:00:00',
    '1969-12-31T23:59:59',
    '2026-04-04 14:30:00',
    future(2 * 60_000),
    future(11 * 60_000),
    future(DAY),
    ...EVENT_CODE_LIST.slice(0, 3),
    '100',
    101,
  ];
}

/** Any JSON value, `depth` levels deep at most. */
export function randomJson(random: Random, depth = 3): unknown {
  const roll = random.int(depth > 0 ? 10 : 7);
  switch (roll) {
    case 0:
      return null;
    case 1:
      return random.chance(0.5);
    case 2:
      return random.pick([
        0,
        -0,
        1,
        -1,
        0.5,
        1e308,
        -1e308,
        5e-324,
        2 ** 53 + 1,
        random.next() * 1e6,
      ]);
    case 3:
    case 4:
      return randomString(random, 12);
    case 5:
      return random.pick(EVENT_CODE_LIST);
    case 6:
      return random.pick(FIELD_NAMES);
    case 7:
    case 8:
      return Array.from({ length: random.int(5) }, () => randomJson(random, depth - 1));
    default:
      return Object.fromEntries(
        Array.from({ length: random.int(6) }, () => [
          random.chance(0.6) ? random.pick(FIELD_NAMES) : randomString(random, 6),
          randomJson(random, depth - 1),
        ]),
      );
  }
}

function mutateBatch(random: Random, batch: unknown[]): string[] {
  const applied: string[] = [];
  const count = 1 + random.int(3);
  for (let i = 0; i < count && batch.length > 0; i++) {
    const index = random.int(batch.length);
    const point = batch[index];
    const roll = random.int(10);
    if (roll < 6 && typeof point === 'object' && point !== null && !Array.isArray(point)) {
      const field = random.pick(FIELD_NAMES);
      const value = random.pick(fieldMutations(field));
      const target = point as Record<string, unknown>;
      if (value === ABSENT) delete target[field];
      else target[field] = value;
      applied.push(`${index}.${field}`);
    } else if (roll === 6 && typeof point === 'object' && point !== null) {
      (point as Record<string, unknown>)[random.pick(['extra', 'Imei', 'lat', 'temperature', ''])] =
        randomJson(random, 1);
      applied.push(`${index}+extra`);
    } else if (roll === 7) {
      batch[index] = randomJson(random, 2);
      applied.push(`${index}=random`);
    } else if (roll === 8) {
      batch.push(structuredClone(batch[index]));
      applied.push(`${index} duplicated`);
    } else {
      const point2 = batch[index];
      if (typeof point2 === 'object' && point2 !== null && !Array.isArray(point2)) {
        (point2 as Record<string, unknown>)[random.pick(FIELD_NAMES)] = randomJson(random, 2);
      }
      applied.push(`${index}.random`);
    }
  }
  return applied;
}

const NUMBER_IN_TEXT = /("(?:altitude|speed|heading|satellites|horometer)":)(-?[\d.eE+-]+)/g;

/** Raw JSON text: broken, extreme or odd, built around a valid batch's text. */
function rawBody(random: Random, validText: string): { label: string; text: string } {
  const roll = random.int(14);
  switch (roll) {
    case 0: {
      const cut = random.int(validText.length);
      return { label: `truncated at ${cut}`, text: validText.slice(0, cut) };
    }
    case 1: {
      const at = random.int(validText.length);
      const char = random.pick([...'{}[],:"\\ x0-', '\u0000']);
      return {
        label: `inserted ${JSON.stringify(char)} at ${at}`,
        text: validText.slice(0, at) + char + validText.slice(at),
      };
    }
    case 2: {
      const at = random.int(validText.length);
      return {
        label: `deleted char ${at}`,
        text: validText.slice(0, at) + validText.slice(at + 1),
      };
    }
    case 3: {
      const huge = random.pick([
        '1e400',
        '-1e400',
        '1e-400',
        '123456789012345678901234567890',
        '1E+2',
        '-0',
        '0.1e1',
        '4.9e-324',
      ]);
      let replaced = false;
      const text = validText.replace(NUMBER_IN_TEXT, (match, key: string) => {
        if (replaced || random.chance(0.5)) return match;
        replaced = true;
        return `${key}${huge}`;
      });
      return { label: `number ${huge}`, text };
    }
    case 4: {
      const depth = 1 + random.int(50_000);
      return random.chance(0.5)
        ? { label: `array nesting ${depth}`, text: '['.repeat(depth) + ']'.repeat(depth) }
        : {
            label: `object nesting ${depth}`,
            text: `[{"imei":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}]`,
          };
    }
    case 5: {
      const depth = 1 + random.int(20_000);
      return {
        label: `nested field ${depth}`,
        text: validText.replace(
          /"altitude":[^,}]+/,
          `"altitude":${'['.repeat(depth)}${']'.repeat(depth)}`,
        ),
      };
    }
    case 6: {
      const escape = random.pick([
        '\\u0000',
        '\\ud800',
        '\\udc00',
        '\\udc00\\ud800',
        '\\ud83d\\ude00',
        '\\uFEFF',
        '\\u00e9',
        '\\/',
        '\\x41',
        '\\u12',
      ]);
      const field = random.pick(['imei', 'address', 'latitude', 'datetime', 'eventcode']);
      const text = validText.includes(`"${field}":"`)
        ? validText.replace(`"${field}":"`, `"${field}":"${escape}`)
        : validText.replace('{', `{"${field}":"a${escape}b",`);
      return { label: `escape ${escape} in ${field}`, text };
    }
    case 7: {
      const literal = random.pick(['\ud800', '\udc00', '\u0000', '\u{1F600}', '\uFFFF', '\u2028']);
      return {
        label: `literal ${JSON.stringify(literal)} in imei`,
        text: validText.replace('"imei":"', `"imei":"${literal}`),
      };
    }
    case 8: {
      const length = random.pick([501, 10_000, 200_000]);
      const field = random.pick(['address', 'imei', 'datetime']);
      return {
        label: `${field} of ${length}`,
        text: validText.replace('{', `{"${field}":"${'y'.repeat(length)}",`),
      };
    }
    case 9:
      return { label: 'BOM', text: `\uFEFF${validText}` };
    case 10:
      return { label: 'whitespace around', text: ` \n\t${validText}\r\n ` };
    case 11:
      return {
        label: 'trailing garbage',
        text: `${validText}${random.pick(['x', ',', ']', '{}', ' 1', '\u0000'])}`,
      };
    case 12:
      return {
        label: 'not JSON',
        text: random.pick([
          '',
          ' ',
          'null',
          'true',
          '5',
          '"x"',
          'NaN',
          'Infinity',
          "[{'imei':'1'}]",
          '[1,]',
          '[{"imei":"1",}]',
          '[/* c */]',
          '[] []',
          '[',
          ']',
          '{',
          '[]',
          '{}',
          '[null]',
          '[[]]',
          '[{}]',
          '[0]',
          '[""]',
          '[true]',
          '\uFEFF',
        ]),
      };
    default:
      return { label: 'random text', text: randomString(random, 40) };
  }
}

/** `count` fuzz bodies from `random`: about a third valid, the rest broken in every way above. */
export function fuzzBodies(random: Random, count: number, imeis: readonly string[]): FuzzBody[] {
  const bodies: FuzzBody[] = [];
  for (let i = 0; i < count; i++) {
    const batch: unknown[] = Array.from({ length: 1 + random.int(5) }, () =>
      validFuzzPoint(random, imeis),
    );
    const roll = random.int(20);
    if (roll < 7) {
      bodies.push({ kind: 'json', label: `valid batch of ${batch.length}`, value: batch });
    } else if (roll < 13) {
      const applied = mutateBatch(random, batch);
      bodies.push({ kind: 'json', label: `mutated batch (${applied.join(', ')})`, value: batch });
    } else if (roll < 15) {
      bodies.push({ kind: 'json', label: 'random JSON', value: randomJson(random, 4) });
    } else {
      const { label, text } = rawBody(random, JSON.stringify(batch));
      bodies.push({ kind: 'raw', label: `raw: ${label}`, text });
    }
  }
  return bodies;
}

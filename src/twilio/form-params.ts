import type { Type } from '@nestjs/common';
import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import 'reflect-metadata';
import { PRINTABLE_TEXT, STORABLE_TEXT } from '../common/validation/storable-text';
import type { FormParams } from './form-encoding';
import { looksLikeSid } from './sid';
import { parseTwilioDate } from './twilio-date';
import { TwilioError } from './twilio-error';

/** Why a parameter's value is refused, and under which Twilio code (20001 unless a rule says). */
export class Refusal {
  constructor(
    readonly why: string,
    readonly code = 20001,
  ) {}
}

/** Reads one parameter as sent (a repeated name is an array): its value, or why it is refused. */
type Reader = (raw: string | string[]) => unknown;

interface ParamRule {
  name: string;
  read: Reader;
  required: boolean;
}

interface ParamOptions {
  required?: boolean;
  description?: string;
  example?: unknown;
}

const RULES = Symbol('twilio:params');

const rulesOf = (dto: object): ParamRule[] =>
  (Reflect.getMetadata(RULES, dto) as ParamRule[] | undefined) ?? [];

/**
 * A property of a parameters class (UpperCamelCase, named as the spec names the parameter), its
 * reader, and its OpenAPI description. Subclasses add to their base's parameters, after them.
 */
function param(read: Reader, api: ApiPropertyOptions, options: ParamOptions): PropertyDecorator {
  const required = options.required ?? false;
  return (target, property) => {
    const name = String(property);
    Reflect.defineMetadata(RULES, [...rulesOf(target), { name, read, required }], target);
    ApiProperty({
      required,
      description: options.description,
      example: options.example,
      ...api,
    } as ApiPropertyOptions)(target, property);
  };
}

/** A parameter that takes one value: given twice, it is refused. */
const once =
  (read: (raw: string) => unknown): Reader =>
  (raw) =>
    Array.isArray(raw) ? new Refusal('must be given once') : read(raw);

const text = (raw: string, maxLength: number, code: number) => {
  if (!PRINTABLE_TEXT.test(raw)) return new Refusal('must not contain control characters');
  if (raw.length > maxLength) return new Refusal(`must be at most ${maxLength} characters`, code);
  return raw;
};

/** A rule on the characters of a string parameter, and how its refusal reads (`must ...`). */
export interface StringPattern {
  regexp: RegExp;
  why: string;
}

/**
 * Text without control characters, at most `maxLength` characters (else `code`, 20001 by
 * default), and of `pattern` when given (checked last: an over-long value is told its limit).
 */
export const StringParam = (
  options: ParamOptions & { maxLength: number; code?: number; pattern?: StringPattern },
) =>
  param(
    once((raw) => {
      const value = text(raw, options.maxLength, options.code ?? 20001);
      const { pattern } = options;
      if (value instanceof Refusal || !pattern || pattern.regexp.test(value)) return value;
      return new Refusal(pattern.why, options.code);
    }),
    { type: String, maxLength: options.maxLength, pattern: options.pattern?.regexp.source },
    options,
  );

/**
 * Text kept exactly as sent, line breaks and tabs included (a certificate, a JSON document): any
 * text PostgreSQL can store, at most `maxLength` characters, counted as PostgreSQL counts them
 * (code points: an emoji is one).
 */
export const TextParam = (options: ParamOptions & { maxLength: number }) =>
  param(
    once((raw) => {
      if (!STORABLE_TEXT.test(raw)) {
        return new Refusal('must not contain NUL characters or unpaired surrogates');
      }
      return [...raw].length > options.maxLength
        ? new Refusal(`must be at most ${options.maxLength} characters`)
        : raw;
    }),
    { type: String, maxLength: options.maxLength },
    options,
  );

/**
 * A unique name, which addresses a resource where its SID would (Twilio's rule): at most
 * `maxLength` characters, not empty, and not in the shape of a SID. Refused under `code`.
 */
export const UniqueNameParam = (options: ParamOptions & { maxLength: number; code?: number }) =>
  param(
    once((raw) => {
      const code = options.code ?? 20001;
      if (raw === '') return new Refusal('must not be empty', code);
      if (looksLikeSid(raw)) return new Refusal('must not have the shape of a SID', code);
      return text(raw, options.maxLength, code);
    }),
    { type: String, minLength: 1, maxLength: options.maxLength },
    options,
  );

/** `true` or `false` (in any case), as twilio-node sends booleans. */
export const BooleanParam = (options: ParamOptions = {}) =>
  param(
    once((raw) => {
      const lower = raw.toLowerCase();
      return lower === 'true' || lower === 'false'
        ? lower === 'true'
        : new Refusal('must be true or false');
    }),
    { type: Boolean },
    options,
  );

/** A whole number in decimal digits, within `min`..`max` when given (else `code`). */
export const IntegerParam = (
  options: ParamOptions & { min?: number; max?: number; code?: number } = {},
) =>
  param(
    once((raw) => {
      const value = /^-?\d{1,16}$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(value)) return new Refusal('must be an integer');
      const { min, max } = options;
      if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
        const range =
          max === undefined
            ? `at least ${min}`
            : min === undefined
              ? `at most ${max}`
              : `between ${min} and ${max}`;
        return new Refusal(`must be ${range}`, options.code);
      }
      return value;
    }),
    { type: 'integer', minimum: options.min, maximum: options.max },
    options,
  );

const oneOf = (values: readonly string[]) => `must be one of ${values.join(', ')}`;

/** One of `values`, exactly as the spec spells them. */
export const EnumParam = (values: readonly string[], options: ParamOptions = {}) =>
  param(
    once((raw) => (values.includes(raw) ? raw : new Refusal(oneOf(values)))),
    { enum: [...values] },
    options,
  );

/** A list of `values`, the name repeated for each (`A=x&A=y`), each at most once. */
export const EnumListParam = (values: readonly string[], options: ParamOptions = {}) =>
  param(
    (raw) => {
      const list = Array.isArray(raw) ? raw : [raw];
      if (list.some((item) => !values.includes(item))) return new Refusal(`each ${oneOf(values)}`);
      if (new Set(list).size !== list.length) return new Refusal('must not list a value twice');
      return list;
    },
    { enum: [...values], isArray: true },
    options,
  );

/** The longest URL a callback parameter takes. */
const MAX_URL_LENGTH = 2048;

/** An absolute `http` or `https` URL. */
export const UrlParam = (options: ParamOptions = {}) =>
  param(
    once((raw) => {
      if (raw.length > MAX_URL_LENGTH)
        return new Refusal(`must be at most ${MAX_URL_LENGTH} characters`);
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return new Refusal('must be an absolute http or https URL');
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        return new Refusal('must be an absolute http or https URL');
      }
      return raw;
    }),
    { type: String, format: 'uri', maxLength: MAX_URL_LENGTH },
    options,
  );

/** An ISO 8601 date-time (`2015-07-30T20:00:00Z`), as a `Date`. */
export const DateTimeParam = (options: ParamOptions = {}) =>
  param(
    once(
      (raw) =>
        parseTwilioDate(raw) ??
        new Refusal('must be an ISO 8601 date-time such as 2015-07-30T20:00:00Z'),
    ),
    { type: String, format: 'date-time' },
    options,
  );

/** Whether `dto` declares a parameter a request must have (its body is then required). */
export function hasRequiredParams(dto: Type<object>): boolean {
  return rulesOf(dto.prototype as object).some((rule) => rule.required);
}

/**
 * The parameters of a request as an instance of `dto`: each parameter it declares read by its
 * rule, in the order declared; defaults are the class's initial values. Parameters it does not
 * declare are ignored, as Twilio ignores them. The first absent required parameter or refused
 * value is a 400 naming it (20001, or the code of the rule that refused it).
 */
export function readParams<T extends object>(dto: Type<T>, params: FormParams): T {
  const instance = new dto();
  const values = instance as Record<string, unknown>;
  for (const rule of rulesOf(dto.prototype as object)) {
    const raw = Object.prototype.hasOwnProperty.call(params, rule.name)
      ? params[rule.name]
      : undefined;
    if (raw === undefined) {
      if (rule.required) throw TwilioError.missingParameter(rule.name);
      continue;
    }
    const value = rule.read(raw);
    if (value instanceof Refusal)
      throw TwilioError.invalidParameter(rule.name, value.why, value.code);
    values[rule.name] = value;
  }
  return instance;
}

import { Transform } from 'class-transformer';
import { STORABLE_TEXT } from '../../common/validation/storable-text';
import { applyDecorators } from '@nestjs/common';
import {
  ArrayMaxSize,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';

/**
 * ISO 8601 date-times as the query parameters take them: a date, or a date and time with an
 * optional fraction and zone. Without a zone the time is UTC, as telemetry datetimes are.
 */
const TIMESTAMP =
  /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * The instants a query may name: the years 0001 to 9999, UTC. PostgreSQL refuses year 0 (and
 * every client can print these), so an out-of-range time is the caller's 400, not a failed query.
 */
const EARLIEST = Date.parse('0001-01-01T00:00:00Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');
/** UTC offsets span -12:00 to +14:00 in the world's zones; PostgreSQL refuses more than ±15:59. */
const MAX_OFFSET_MINUTES = 14 * 60;
const OFFSET = /[+-](\d{2}):(\d{2})$/;

function isPlausibleOffset(value: string): boolean {
  const offset = OFFSET.exec(value);
  if (!offset) return true;
  const [hours, minutes] = [Number(offset[1]), Number(offset[2])];
  return minutes < 60 && hours * 60 + minutes <= MAX_OFFSET_MINUTES;
}

/**
 * The instant a valid `TIMESTAMP` names, with an explicit zone, as text PostgreSQL parses exactly
 * (microseconds); undefined for anything else: impossible dates, offsets beyond ±14:00, instants
 * outside the years 0001 to 9999.
 */
export function toUtcTimestamp(value: string): string | undefined {
  if (!TIMESTAMP.test(value) || !isPlausibleOffset(value)) return undefined;
  const dateOnly = value.length === 10;
  const zoned = dateOnly
    ? `${value}T00:00:00Z`
    : /(?:Z|[+-]\d{2}:\d{2})$/.test(value)
      ? value
      : `${value}Z`;
  const millis = Date.parse(zoned);
  if (Number.isNaN(millis) || millis < EARLIEST || millis > LATEST) return undefined;
  // Date.parse rolls impossible dates over (Feb 30 → Mar 2); a calendar check refuses them.
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return undefined;
  return zoned;
}

/** A date-time query parameter, normalised to an explicit zone (UTC when none was given). */
export function IsUtcTimestamp(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? (toUtcTimestamp(value) ?? value) : value,
    )(target, propertyName);
    ValidateBy(
      {
        name: 'isUtcTimestamp',
        validator: {
          validate: (value: unknown) =>
            typeof value === 'string' && toUtcTimestamp(value) !== undefined,
          defaultMessage: () =>
            '$property must be an ISO 8601 date-time such as 2026-04-04T14:30:00Z ' +
            '(no zone means UTC; an offset within ±14:00) or a date such as 2026-04-04, ' +
            'from the year 0001 to 9999',
        },
      },
      options,
    )(target, propertyName);
  };
}

/** Text PostgreSQL can compare: no NUL, no unpaired UTF-16 surrogate (else the query fails, a 500). */
export const IsStorableText = (options?: ValidationOptions) =>
  Matches(STORABLE_TEXT, {
    message: '$property must not contain NUL or unpaired surrogates',
    ...options,
  });

/** `true`/`false` as query strings; anything else is left for `@IsBoolean()` to refuse. */
export const BooleanParam = () =>
  Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  );

/** An integer query parameter; anything that is not all digits is left for `@IsInt()` to refuse. */
export const IntegerParam = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value,
  );

/** `a,b,c` as a list (blank items dropped), so one parameter can name several values. */
export const CommaListParam = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item.length > 0)
      : value,
  );

/** An optional filter listing up to 50 values, comma-separated, each storable text of at most `maxLength`. */
export const TextListParam = (maxLength: number) =>
  applyDecorators(
    IsOptional(),
    CommaListParam(),
    ArrayMaxSize(50),
    IsString({ each: true }),
    MaxLength(maxLength, { each: true }),
    IsStorableText({ each: true }),
  );

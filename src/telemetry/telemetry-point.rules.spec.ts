import { DEFAULT_DEVICE_TIME_WINDOW } from '../config/app-config';
import { datetimeProblem, parsePointDatetime } from './telemetry-point.rules';

describe('parsePointDatetime', () => {
  it.each([
    ['2026-04-04T14:30:00', Date.UTC(2026, 3, 4, 14, 30, 0)],
    ['2024-02-29T00:00:00', Date.UTC(2024, 1, 29)],
    ['2000-02-29T23:59:59', Date.UTC(2000, 1, 29, 23, 59, 59)],
    ['1970-01-01T00:00:00', 0],
    ['2026-12-31T23:59:59.5', Date.UTC(2026, 11, 31, 23, 59, 59, 500)],
    ['2026-01-01T00:00:00.123456789', Date.UTC(2026, 0, 1, 0, 0, 0, 123)],
  ])('reads %s as UTC', (value, expected) => {
    expect(parsePointDatetime(value)).toBe(expected);
  });

  it.each([
    '2023-02-29T00:00:00', // not a leap year
    '2100-02-29T00:00:00', // a century that is not a leap year
    '2026-04-31T00:00:00',
    '2026-13-01T00:00:00',
    '2026-00-10T00:00:00',
    '2026-01-00T00:00:00',
    '2026-01-01T24:00:00',
    '2026-01-01T23:60:00',
    '2026-01-01T23:59:60',
    '1969-12-31T23:59:59',
    '2026-01-01T00:00:00Z',
    '2026-01-01T00:00:00+02:00',
    '2026-01-01 00:00:00',
    '2026-01-01T00:00',
    '2026-01-01T00:00:00.',
    '2026-01-01T00:00:00.1234567890',
    '２０２６-01-01T00:00:00',
  ])('rejects %s', (value) => {
    expect(parsePointDatetime(value)).toBeUndefined();
  });
});

describe('datetimeProblem', () => {
  const now = Date.UTC(2026, 3, 4, 12, 0, 0);
  const window = DEFAULT_DEVICE_TIME_WINDOW;

  it('accepts a point up to 10 minutes ahead of the server clock, by default', () => {
    expect(datetimeProblem('2026-04-04T12:10:00', now, window)).toBeUndefined();
    expect(datetimeProblem('2026-04-04T12:10:01', now, window)).toBe(
      'must not be more than 10 minutes in the future',
    );
  });

  it('accepts any time from 1970 on, by default', () => {
    expect(datetimeProblem('1970-01-01T00:00:00', now, window)).toBeUndefined();
  });

  it('judges the time by the window it is given', () => {
    const narrow = { maxFutureMs: 0, maxAgeMs: 30 * 86_400_000 };
    expect(datetimeProblem('2026-04-04T12:00:00', now, narrow)).toBeUndefined();
    expect(datetimeProblem('2026-04-04T12:00:00.001', now, narrow)).toBe(
      'must not be more than 0 seconds in the future',
    );
    expect(datetimeProblem('2026-03-05T12:00:00', now, narrow)).toBeUndefined();
    expect(datetimeProblem('2026-03-05T11:59:59.999', now, narrow)).toBe(
      'must not be more than 30 days in the past',
    );
  });

  it('shows the expected form when a zone is given', () => {
    expect(datetimeProblem('2026-04-04T12:00:00Z', now, window)).toContain(
      'send "2026-04-04T12:00:00"',
    );
    expect(datetimeProblem('2026-04-04T12:00:00+0200', now, window)).toContain(
      'send "2026-04-04T12:00:00"',
    );
  });
});

import { parseTwilioDate, twilioDate } from './twilio-date';

describe('Twilio dates', () => {
  it('are written in UTC to the second, without milliseconds', () => {
    expect(twilioDate(new Date('2015-07-30T20:00:00.999Z'))).toBe('2015-07-30T20:00:00Z');
    expect(twilioDate(new Date('2026-01-02T03:04:05+02:00'))).toBe('2026-01-02T01:04:05Z');
  });

  it.each([
    ['2015-07-30T20:00:00Z', '2015-07-30T20:00:00.000Z'],
    ['2015-07-30t20:00:00z', '2015-07-30T20:00:00.000Z'],
    ['2015-07-30T20:00:00.123Z', '2015-07-30T20:00:00.123Z'],
    ['2015-07-30T22:00:00+02:00', '2015-07-30T20:00:00.000Z'],
    ['2016-02-29T00:00:00Z', '2016-02-29T00:00:00.000Z'],
  ])('read %s as %s', (text, iso) => {
    expect(parseTwilioDate(text)?.toISOString()).toBe(iso);
  });

  it.each([
    '2015-07-30',
    '2015-07-30T20:00Z',
    '2015-07-30T20:00:00',
    '2015-02-30T00:00:00Z',
    '2015-02-29T00:00:00Z',
    '2015-07-30T24:00:00Z',
    '2015-07-30T20:60:00Z',
    '2015-07-30T20:00:00+24:00',
    '2015-13-01T00:00:00Z',
    '20150730T200000Z',
    ' 2015-07-30T20:00:00Z',
    'yesterday',
    '',
  ])('refuse %j', (text) => {
    expect(parseTwilioDate(text)).toBeUndefined();
  });
});

import { exportFileName, lastDay, rangeQuery, readRange, type TimeRange } from './time-range';

const DAY_MS = 24 * 3_600_000;

describe('lastDay', () => {
  it('ends at the next whole minute and starts 24 hours before', () => {
    const { from, to } = lastDay(new Date('2026-04-04T10:30:15.500Z'));
    expect(to.toISOString()).toBe('2026-04-04T10:31:00.000Z');
    expect(to.getTime() - from.getTime()).toBe(DAY_MS);
  });

  it('ends after `now` even on a whole minute (`to` is exclusive)', () => {
    const { to } = lastDay(new Date('2026-04-04T10:30:00.000Z'));
    expect(to.toISOString()).toBe('2026-04-04T10:31:00.000Z');
  });
});

describe('readRange', () => {
  it('reads two datetime-local values as local time', () => {
    expect(readRange('2026-04-04T08:00', '2026-04-04T18:30')).toEqual({
      from: new Date(2026, 3, 4, 8, 0),
      to: new Date(2026, 3, 4, 18, 30),
    });
  });

  it('says what is wrong with an empty, unreadable or backwards range', () => {
    expect(readRange('', '2026-04-04T18:30')).toEqual({ problem: 'Enter both From and To.' });
    expect(readRange('2026-04-04T08:00', '')).toEqual({ problem: 'Enter both From and To.' });
    expect(readRange('yesterday', '2026-04-04T18:30')).toEqual({
      problem: 'From and To must be dates with a time.',
    });
    expect(readRange('2026-04-04T18:30', '2026-04-04T18:30')).toEqual({
      problem: 'From must be earlier than To.',
    });
    expect(readRange('2026-04-05T00:00', '2026-04-04T18:30')).toEqual({
      problem: 'From must be earlier than To.',
    });
  });
});

const range: TimeRange = {
  from: new Date('2026-04-03T10:30:00.000Z'),
  to: new Date('2026-04-04T10:30:45.250Z'),
};

describe('rangeQuery', () => {
  it('writes the range in UTC as ISO 8601', () => {
    expect(rangeQuery(range)).toEqual({
      from: '2026-04-03T10:30:00.000Z',
      to: '2026-04-04T10:30:45.250Z',
    });
  });
});

describe('exportFileName', () => {
  it('is <deviceId>-<from>-<to>.<extension>, stamps in UTC without separators', () => {
    expect(exportFileName('352848024123456', range, 'csv')).toBe(
      '352848024123456-20260403T103000Z-20260404T103045Z.csv',
    );
  });

  it("replaces the id's characters a file system could object to", () => {
    expect(exportFileName('truck/7 north:ü', range, 'gpx')).toBe(
      'truck_7_north__-20260403T103000Z-20260404T103045Z.gpx',
    );
    expect(exportFileName('a.b_c-D9', range, 'geojson')).toMatch(/^a\.b_c-D9-/);
  });
});

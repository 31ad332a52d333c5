import {
  monthOf,
  monthOfPartition,
  monthPartition,
  monthsAround,
  monthsFrom,
} from './position-partitions';

describe('monthly positions partitions', () => {
  it('bound a month from its first instant (UTC) to the first of the next', () => {
    expect(monthPartition('2026-04')).toEqual({
      name: 'positions_2026_04',
      from: '2026-04-01T00:00:00.000Z',
      to: '2026-05-01T00:00:00.000Z',
    });
    expect(monthPartition('2026-12')?.to).toBe('2027-01-01T00:00:00.000Z');
    expect(monthPartition('0001-01')).toEqual({
      name: 'positions_0001_01',
      from: '0001-01-01T00:00:00.000Z',
      to: '0001-02-01T00:00:00.000Z',
    });
    expect(monthPartition('9998-12')?.to).toBe('9999-01-01T00:00:00.000Z');
  });

  it.each(['2026-13', '2026-00', '0000-05', '9999-01', '12026-01', '2026-4', 'positions_2026_04'])(
    'give no partition for %s',
    (month) => expect(monthPartition(month)).toBeUndefined(),
  );

  it('read the month back from a partition name, and nothing from other tables', () => {
    expect(monthOfPartition('positions_2019_05')).toBe('2019-05');
    expect(monthOfPartition('positions_default')).toBeUndefined();
    expect(monthOfPartition('positions_2019_05_old')).toBeUndefined();
  });

  it('count months on across years, in UTC', () => {
    expect(monthsFrom(new Date('2026-11-30T23:30:00-05:00'), 4)).toEqual([
      '2026-12',
      '2027-01',
      '2027-02',
      '2027-03',
    ]);
    expect(monthOf(new Date('2026-04-30T23:59:59.999Z'))).toBe('2026-04');
  });

  it('span a calendar window around a month, across years', () => {
    expect(monthsAround(new Date('2027-01-31T23:59:59Z'), 2, 3)).toEqual([
      '2026-11',
      '2026-12',
      '2027-01',
      '2027-02',
      '2027-03',
      '2027-04',
    ]);
    expect(monthsAround(new Date('2026-06-01T00:00:00Z'), 0, 0)).toEqual(['2026-06']);
  });
});

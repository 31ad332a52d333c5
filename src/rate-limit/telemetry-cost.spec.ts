import { telemetryCost } from './telemetry-cost';

const points = (imei: unknown, count: number) => Array.from({ length: count }, () => ({ imei }));

describe('telemetryCost', () => {
  it('charges ceil(points / 20) to the user and to each IMEI', () => {
    expect(telemetryCost(points('A', 1), 1000)).toEqual({ global: 1, imeis: new Map([['A', 1]]) });
    expect(telemetryCost(points('A', 20), 1000)).toEqual({ global: 1, imeis: new Map([['A', 1]]) });
    expect(telemetryCost(points('A', 21), 1000)).toEqual({ global: 2, imeis: new Map([['A', 2]]) });
    expect(telemetryCost(points('A', 100), 1000)).toEqual({
      global: 5,
      imeis: new Map([['A', 5]]),
    });
  });

  it('charges each IMEI of a mixed batch its own share', () => {
    const body = [...points('A', 25), ...points('B', 5), ...points('A', 10)];
    expect(telemetryCost(body, 1000)).toEqual({
      global: 2,
      imeis: new Map([
        ['A', 2],
        ['B', 1],
      ]),
    });
  });

  it('charges a body that is not an array one token, to the user only', () => {
    for (const body of [{ imei: 'A' }, 'x', 42, null, undefined, true]) {
      expect(telemetryCost(body, 1000)).toEqual({ global: 1, imeis: new Map() });
    }
  });

  it('charges an empty batch one token: a flood of invalid requests still pays', () => {
    expect(telemetryCost([], 1000)).toEqual({ global: 1, imeis: new Map() });
  });

  it('counts points without a usable IMEI toward the user only', () => {
    const body = [
      null,
      5,
      'x',
      [],
      {},
      { imei: 42 },
      { imei: '' },
      { imei: 'x'.repeat(51) },
      { imei: 'A' },
    ];
    expect(telemetryCost(body, 1000)).toEqual({ global: 1, imeis: new Map([['A', 1]]) });
  });

  it('charges a batch over the point limit to the user only (it cannot be valid)', () => {
    const body = Array.from({ length: 30 }, (_, i) => ({ imei: `I${i}` }));
    expect(telemetryCost(body, 20)).toEqual({ global: 2, imeis: new Map() });
  });
});

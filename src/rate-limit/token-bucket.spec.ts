import {
  levelAt,
  msUntilFull,
  msUntilLevel,
  shortfall,
  takeAll,
  type BucketCharge,
  type BucketState,
} from './token-bucket';

const limits = { capacity: 180, refillPerSecond: 30 };
const charge = (key: string, cost: number, capacity = 180, refillPerSecond = 30): BucketCharge => ({
  key,
  cost,
  capacity,
  refillPerSecond,
});

describe('token bucket arithmetic', () => {
  it('starts a bucket it has never seen full', () => {
    expect(levelAt(undefined, limits, 1_000)).toBe(180);
  });

  it('refills continuously at the refill rate, up to the capacity', () => {
    const state: BucketState = { tokens: 0, updatedAtMs: 10_000 };
    expect(levelAt(state, limits, 10_000)).toBe(0);
    expect(levelAt(state, limits, 10_100)).toBeCloseTo(3, 9);
    expect(levelAt(state, limits, 11_000)).toBe(30);
    expect(levelAt(state, limits, 16_000)).toBe(180);
    expect(levelAt(state, limits, 60_000)).toBe(180);
  });

  it('never refills backwards when the clock reads earlier than the stored time', () => {
    expect(levelAt({ tokens: 5, updatedAtMs: 2_000 }, limits, 1_000)).toBe(5);
  });

  it('clamps to a capacity lowered since the bucket was stored', () => {
    expect(levelAt({ tokens: 150, updatedAtMs: 0 }, { capacity: 100, refillPerSecond: 1 }, 0)).toBe(
      100,
    );
  });

  it('says how long until a level, and until full', () => {
    expect(msUntilLevel(0, 1, limits)).toBeCloseTo(1000 / 30, 9);
    expect(msUntilLevel(10, 5, limits)).toBe(0);
    expect(msUntilLevel(0, 181, limits)).toBe(Infinity);
    expect(msUntilFull(150, limits)).toBe(1000);
    expect(msUntilFull(180, limits)).toBe(0);
  });

  describe('takeAll', () => {
    it('charges every bucket when each holds its cost', () => {
      const result = takeAll([charge('g', 5), charge('i', 2, 90, 15)], [undefined, undefined], 0);
      expect(result).toEqual({
        allowed: true,
        tokens: [175, 88],
        next: [
          { tokens: 175, updatedAtMs: 0 },
          { tokens: 88, updatedAtMs: 0 },
        ],
      });
    });

    it('charges none when one bucket lacks its cost, and reports the current levels', () => {
      const states = [undefined, { tokens: 1, updatedAtMs: 0 }];
      const result = takeAll([charge('g', 5), charge('i', 2, 90, 15)], states, 0);
      expect(result).toEqual({ allowed: false, tokens: [180, 1], next: [] });
    });

    it('refills before it checks', () => {
      const states = [{ tokens: 0, updatedAtMs: 0 }];
      expect(takeAll([charge('g', 1)], states, 20).allowed).toBe(false);
      expect(takeAll([charge('g', 1)], states, 34).allowed).toBe(true);
    });

    it('lets a bucket pay an exact cost despite floating-point dust', () => {
      const states = [{ tokens: 29.999999999999996, updatedAtMs: 0 }];
      const result = takeAll([charge('g', 30)], states, 0);
      expect(result.allowed).toBe(true);
      expect(result.tokens[0]).toBe(0);
    });

    it('drains 180 one-token requests, refuses the 181st, and takes 30 more a second later', () => {
      let state: BucketState | undefined;
      let granted = 0;
      for (let i = 0; i < 200; i++) {
        const result = takeAll([charge('g', 1)], [state], 0);
        if (!result.allowed) break;
        granted++;
        state = result.next[0];
      }
      expect(granted).toBe(180);
      for (let i = 0; i < 40; i++) {
        const result = takeAll([charge('g', 1)], [state], 1000);
        if (!result.allowed) break;
        granted++;
        state = result.next[0];
      }
      expect(granted).toBe(210);
    });
  });

  describe('shortfall', () => {
    it('names the bucket that keeps the request waiting longest', () => {
      const charges = [charge('g', 5), charge('a', 3, 90, 15), charge('b', 4, 90, 15)];
      const result = { allowed: false, tokens: [4, 2, 1] };
      // g needs 1 token at 30/s (33 ms), a 1 at 15/s (67 ms), b 3 at 15/s (200 ms)
      expect(shortfall(charges, result)).toEqual({ index: 2, waitMs: 200 });
    });

    it('reports an infinite wait for a cost beyond the capacity', () => {
      const result = { allowed: false, tokens: [180] };
      expect(shortfall([charge('g', 200)], result)).toEqual({ index: 0, waitMs: Infinity });
    });
  });
});

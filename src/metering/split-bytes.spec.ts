import { splitBytes } from './split-bytes';

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('splitBytes', () => {
  it('gives a single device every byte', () => {
    expect(splitBytes(1234, [7])).toEqual([1234]);
  });

  it('splits exactly when the shares divide the total', () => {
    expect(splitBytes(1000, [1, 3])).toEqual([250, 750]);
    expect(splitBytes(600, [2, 2, 2])).toEqual([200, 200, 200]);
  });

  it('gives the bytes the floors leave to the largest fractional parts', () => {
    // Exact parts 333.33, 666.67: the left-over byte goes to the second.
    expect(splitBytes(1000, [1, 2])).toEqual([333, 667]);
    // Exact parts 142.86, 285.71, 571.43: floors 142 + 285 + 571 = 998; .86 and .71 get one each.
    expect(splitBytes(1000, [1, 2, 4])).toEqual([143, 286, 571]);
  });

  it('breaks ties between equal remainders in favour of the earlier device', () => {
    expect(splitBytes(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(splitBytes(2, [1, 1, 1])).toEqual([1, 1, 0]);
  });

  it('never loses or invents a byte, and keeps every share within one byte of its exact part', () => {
    for (const [total, weights] of [
      [0, [1, 1]],
      [1, [5, 5, 5, 5]],
      [99_999, [1, 2, 3, 5, 8, 13, 21, 34]],
      [1_048_576, Array.from({ length: 1000 }, (_, i) => (i % 7) + 1)],
    ] as [number, number[]][]) {
      const shares = splitBytes(total, weights);
      const weight = sum(weights);
      expect(sum(shares)).toBe(total);
      shares.forEach((share, index) => {
        expect(Number.isInteger(share)).toBe(true);
        expect(Math.abs(share - (total * weights[index]) / weight)).toBeLessThan(1);
      });
    }
  });
});

/**
 * Splits `total` bytes into whole shares proportional to `weights` (largest remainder): every
 * share is the floor of its exact part or one more, and the shares add up to `total` exactly. The
 * bytes the floors leave over go to the largest fractional parts, ties to the earlier weight.
 */
export function splitBytes(total: number, weights: readonly number[]): number[] {
  if (weights.length === 1) return [total];
  const sum = weights.reduce((a, b) => a + b, 0);
  // Integer arithmetic throughout: total × weight stays far below 2^53 (bodies are megabytes,
  // batches thousands of points).
  const shares = weights.map((weight) => Math.floor((total * weight) / sum));
  const remainders = weights.map((weight, index) => ({ index, rest: (total * weight) % sum }));
  remainders.sort((a, b) => b.rest - a.rest || a.index - b.index);
  let left = total - shares.reduce((a, b) => a + b, 0);
  for (const { index } of remainders) {
    if (left === 0) break;
    shares[index]++;
    left--;
  }
  return shares;
}

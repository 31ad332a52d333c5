/**
 * Token buckets, as pure arithmetic over a clock reading. A bucket holds up to `capacity` tokens
 * and gains `refillPerSecond` continuously; a request names several buckets and a cost in each,
 * and is granted only if every one of them holds its cost (then each pays), otherwise nothing is
 * taken anywhere. The memory store applies these functions directly; the Redis store's Lua script
 * is the same arithmetic, and one contract suite holds both to it.
 */

export interface BucketLimits {
  capacity: number;
  refillPerSecond: number;
}

/** One bucket of a request and what the request costs in it. */
export interface BucketCharge extends BucketLimits {
  key: string;
  cost: number;
}

/** What a bucket remembers: its level when it was last charged, and when that was. */
export interface BucketState {
  tokens: number;
  updatedAtMs: number;
}

export interface TakeResult {
  allowed: boolean;
  /**
   * Per charge, in order: the tokens left after paying (granted), or the tokens the bucket
   * holds now, nothing having been taken (denied).
   */
  tokens: number[];
}

/**
 * Slack for floating-point refill arithmetic: a bucket that is owed a cost up to this fraction
 * of a token short still pays it (so 29.999999999 tokens cover a cost of 30).
 */
export const TOKEN_EPSILON = 1e-9;

/** A bucket never seen (or forgotten because it had refilled) is full. */
export function levelAt(
  state: BucketState | undefined,
  limits: BucketLimits,
  nowMs: number,
): number {
  if (!state) return limits.capacity;
  const elapsedMs = Math.max(0, nowMs - state.updatedAtMs);
  return Math.min(limits.capacity, state.tokens + (elapsedMs * limits.refillPerSecond) / 1000);
}

/** Milliseconds until a bucket holding `tokens` holds `target`; Infinity beyond its capacity. */
export function msUntilLevel(tokens: number, target: number, limits: BucketLimits): number {
  if (target > limits.capacity) return Infinity;
  return Math.max(0, ((target - tokens) * 1000) / limits.refillPerSecond);
}

export function msUntilFull(tokens: number, limits: BucketLimits): number {
  return msUntilLevel(tokens, limits.capacity, limits);
}

/**
 * Refills every bucket to `nowMs` and charges all of them or none. Returns the outcome and, when
 * granted, the states to store (each to be forgotten after `msUntilFull` of its level).
 */
export function takeAll(
  charges: readonly BucketCharge[],
  states: readonly (BucketState | undefined)[],
  nowMs: number,
): TakeResult & { next: BucketState[] } {
  const levels = charges.map((charge, i) => levelAt(states[i], charge, nowMs));
  const allowed = charges.every((charge, i) => levels[i] + TOKEN_EPSILON >= charge.cost);
  if (!allowed) return { allowed, tokens: levels, next: [] };
  const tokens = levels.map((level, i) => Math.max(0, level - charges[i].cost));
  return { allowed, tokens, next: tokens.map((level) => ({ tokens: level, updatedAtMs: nowMs })) };
}

export interface Shortfall {
  /** Index of the charge that keeps the request waiting longest. */
  index: number;
  /** Milliseconds until that bucket holds the cost; Infinity when the cost exceeds its capacity. */
  waitMs: number;
}

/** For a denied take: which bucket to name, and how long until the request could pass. */
export function shortfall(charges: readonly BucketCharge[], result: TakeResult): Shortfall {
  let worst: Shortfall = { index: -1, waitMs: -1 };
  charges.forEach((charge, index) => {
    if (result.tokens[index] + TOKEN_EPSILON >= charge.cost) return;
    const waitMs = msUntilLevel(result.tokens[index], charge.cost, charge);
    if (waitMs > worst.waitMs) worst = { index, waitMs };
  });
  return worst;
}

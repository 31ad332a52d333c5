import { BucketStore } from './bucket-store';
import type { Clock } from './clock';
import {
  msUntilFull,
  takeAll,
  type BucketCharge,
  type BucketState,
  type TakeResult,
} from './token-bucket';

/** How often (clock time) forgotten buckets are swept out of the map. */
const SWEEP_INTERVAL_MS = 10_000;

interface StoredBucket extends BucketState {
  /** When the bucket would be full again: from then on it is as good as absent. */
  forgetAtMs: number;
}

/**
 * The embedded default (no REDIS_URL): buckets in this process's memory. Same semantics as the
 * Redis store (the contract suite runs against both), but per process: with several API
 * processes each would enforce its own limits, which is why production uses Redis.
 * A take is synchronous, hence atomic on Node's single thread.
 */
export class MemoryBucketStore extends BucketStore {
  private readonly buckets = new Map<string, StoredBucket>();
  private nextSweepMs = -Infinity;

  constructor(private readonly clock: Clock) {
    super();
  }

  take(charges: readonly BucketCharge[]): Promise<TakeResult> {
    const now = this.clock.now();
    this.sweep(now);
    const result = takeAll(
      charges,
      charges.map((charge) => this.read(charge.key, now)),
      now,
    );
    result.next.forEach((state, i) => {
      const forgetAtMs = now + msUntilFull(state.tokens, charges[i]);
      this.buckets.set(charges[i].key, { ...state, forgetAtMs });
    });
    return Promise.resolve({ allowed: result.allowed, tokens: result.tokens });
  }

  /** Whether a bucket is still remembered (it is forgotten once it would be full again). */
  has(key: string): boolean {
    return this.read(key, this.clock.now()) !== undefined;
  }

  get size(): number {
    this.sweep(this.clock.now(), true);
    return this.buckets.size;
  }

  private read(key: string, now: number): StoredBucket | undefined {
    const bucket = this.buckets.get(key);
    if (bucket && bucket.forgetAtMs <= now) {
      this.buckets.delete(key);
      return undefined;
    }
    return bucket;
  }

  private sweep(now: number, force = false): void {
    if (!force && now < this.nextSweepMs) return;
    this.nextSweepMs = now + SWEEP_INTERVAL_MS;
    for (const [key, bucket] of this.buckets) {
      if (bucket.forgetAtMs <= now) this.buckets.delete(key);
    }
  }
}

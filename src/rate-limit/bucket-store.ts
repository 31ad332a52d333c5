import type { BucketCharge, TakeResult } from './token-bucket';

/**
 * Where token buckets live. `take` refills, checks and charges every bucket of one request as
 * one atomic step (all or nothing), so concurrent requests, from any number of processes sharing
 * the store, can never overdraw a bucket. A bucket that has refilled to capacity may be
 * forgotten: an unknown bucket is a full one.
 */
export abstract class BucketStore {
  abstract take(charges: readonly BucketCharge[]): Promise<TakeResult>;
}

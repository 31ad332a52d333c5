/** One token buys up to this many points, in the user's bucket and in each IMEI's. */
export const POINTS_PER_TOKEN = 20;

/** The longest IMEI a valid point may carry (the spec's limit): longer ones get no bucket. */
const MAX_IMEI_LENGTH = 50;

export interface TelemetryCost {
  /** Tokens from the user's (global) bucket. */
  global: number;
  /** Tokens from each IMEI's bucket, by IMEI. */
  imeis: Map<string, number>;
}

const tokensFor = (points: number) => Math.max(1, Math.ceil(points / POINTS_PER_TOKEN));

/**
 * What a telemetry request costs, judged on the raw body, before validation: an invalid batch
 * pays like a valid one. Whatever the body is, the user's bucket pays at least one token (a body
 * that is not an array: exactly one). Only points that carry a plausible IMEI (a string of
 * 1-50 characters) charge an IMEI bucket, and only when the batch is not over `maxPoints` (it
 * will be rejected anyway): that bounds the buckets one request can name, and the size of their keys.
 */
export function telemetryCost(body: unknown, maxPoints: number): TelemetryCost {
  if (!Array.isArray(body)) return { global: 1, imeis: new Map() };
  const pointsByImei = new Map<string, number>();
  if (body.length <= maxPoints) {
    for (const point of body as unknown[]) {
      const imei =
        typeof point === 'object' && point !== null
          ? (point as { imei?: unknown }).imei
          : undefined;
      if (typeof imei !== 'string' || imei.length === 0 || imei.length > MAX_IMEI_LENGTH) continue;
      pointsByImei.set(imei, (pointsByImei.get(imei) ?? 0) + 1);
    }
  }
  const imeis = new Map<string, number>();
  for (const [imei, points] of pointsByImei) imeis.set(imei, tokensFor(points));
  return { global: tokensFor(body.length), imeis };
}

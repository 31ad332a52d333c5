import { setTimeout as delay } from 'node:timers/promises';
import type { BatchFactory } from '../../../bench/support/telemetry-batches';
import type { AckLedger } from './ack-ledger';

export interface TelemetryTarget {
  url: string;
  headers: Record<string, string>;
}

/** What one request came to: an HTTP answer, or a failure before one (connection, timeout). */
export type Outcome = { startedAt: number; ms: number } & (
  { status: number; retryAfter: string | null } | { error: string }
);

export const isAnswer = (outcome: Outcome): outcome is Extract<Outcome, { status: number }> =>
  'status' in outcome;

/** Posts one batch; never throws, never waits past `timeoutMs`. */
export async function postTelemetry(
  target: TelemetryTarget,
  body: string,
  timeoutMs = 10_000,
): Promise<Outcome> {
  const startedAt = Date.now();
  try {
    const response = await fetch(target.url, {
      method: 'POST',
      headers: target.headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Read the body so the connection goes back to the pool.
    await response.arrayBuffer();
    return {
      startedAt,
      ms: Date.now() - startedAt,
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
    };
  } catch (error) {
    return { startedAt, ms: Date.now() - startedAt, error: failureCode(error) };
  }
}

/**
 * `ECONNREFUSED`, `ECONNRESET`, `TimeoutError`…: the most specific name a fetch failure has. Read
 * by shape, not `instanceof`: the errors come from outside the test sandbox's realm.
 */
function failureCode(error: unknown): string {
  const { name, cause } = (error ?? {}) as { name?: string; cause?: { code?: string } };
  return cause?.code ?? name ?? String(error);
}

/** How many outcomes had each status or failure: `{ "200": 812, "503": 40, "ECONNREFUSED": 3 }`. */
export function tally(outcomes: Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) {
    const key = isAnswer(outcome) ? String(outcome.status) : outcome.error;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export interface LoadOptions {
  target: TelemetryTarget;
  factory: BatchFactory;
  /** Where every batch answered 200 is recorded. */
  ledger: AckLedger;
  /** Requests in flight at once, each lane sending its next when the last is answered. */
  lanes: number;
  batchSize: number;
  /** Least time between two requests of a lane: paces the load to what the machine can drain. */
  intervalMs: number;
  timeoutMs?: number;
}

/** Posts unique batches from a few lanes until stopped, keeping every outcome. */
export class TelemetryLoad {
  readonly outcomes: Outcome[] = [];
  private running = true;
  private readonly lanes: Promise<void>[];

  constructor(private readonly options: LoadOptions) {
    this.lanes = Array.from({ length: options.lanes }, () => this.lane());
  }

  /** Stops sending and resolves once every request in flight is answered. */
  async stop(): Promise<Outcome[]> {
    this.running = false;
    await Promise.all(this.lanes);
    return this.outcomes;
  }

  private async lane(): Promise<void> {
    const { target, factory, ledger, batchSize, intervalMs, timeoutMs } = this.options;
    while (this.running) {
      const points = factory.points(batchSize);
      const outcome = await postTelemetry(target, JSON.stringify(points), timeoutMs);
      this.outcomes.push(outcome);
      if (isAnswer(outcome) && outcome.status === 200) ledger.acknowledge(points);
      const rest = outcome.startedAt + intervalMs - Date.now();
      if (rest > 0 && this.running) await delay(rest);
    }
  }
}

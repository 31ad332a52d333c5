import { BatchFactory } from '../../bench/support/telemetry-batches';
import { waitFor } from '../utils/wait';
import { AckLedger } from './support/ack-ledger';
import { FaultStack, type ApiProcess } from './support/fault-stack';
import { ResidentSampler } from './support/memory';
import { TelemetryLoad, isAnswer, tally, type TelemetryTarget } from './support/telemetry-load';

/** The user's bucket: 50 tokens, 25 per second; a 100-point batch costs 5, so 5 batches/s. */
const CAPACITY = 50;
const REFILL_PER_SECOND = 25;
const BATCH_COST = 5;
const ALLOWED_PER_SECOND = REFILL_PER_SECOND / BATCH_COST;

/**
 * Memory: V8 grows the heap to a working size under load, then holds it (a sawtooth with a flat
 * top); a leak keeps climbing. So the second half of the burst may peak at most this much above
 * the first half, and nothing may come near the ceiling.
 */
const PLATEAU_DRIFT_MIB = 32;
const RESIDENT_CEILING_MIB = 512;

describe('a burst far beyond the rate limits', () => {
  let stack: FaultStack;
  let api: ApiProcess;
  let target: TelemetryTarget;

  beforeAll(async () => {
    stack = await FaultStack.start('burst', {
      env: {
        RATE_LIMIT_TELEMETRY_ENABLED: 'true',
        RATE_LIMIT_GLOBAL_CAPACITY: String(CAPACITY),
        RATE_LIMIT_GLOBAL_REFILL: String(REFILL_PER_SECOND),
      },
    });
    api = await stack.startApi();
    target = await stack.telemetryTarget(api);
    stack.startWorker();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 429 with Retry-After, stays within its memory, keeps serving; every 200 stored', async () => {
    const ledger = new AckLedger();
    const sampler = new ResidentSampler(api.pid);
    const startedAt = Date.now();
    const burst = new TelemetryLoad({
      target,
      factory: new BatchFactory(),
      ledger,
      lanes: 16,
      batchSize: 100,
      intervalMs: 0,
    });
    await waitFor(
      () => Promise.resolve(burst.outcomes.length),
      (n) => n >= 6000,
      { timeoutMs: 60_000 },
    );
    const outcomes = await burst.stop();
    const seconds = (Date.now() - startedAt) / 1000;
    const memory = await sampler.stop();

    // At least ten times what the limits allow was offered.
    expect(outcomes.length / seconds).toBeGreaterThanOrEqual(10 * ALLOWED_PER_SECOND);
    // Refused with 429 and Retry-After (whole seconds), or accepted within the bucket's allowance.
    const counts = tally(outcomes);
    expect(Object.keys(counts).sort()).toEqual(['200', '429']);
    expect(counts['200']).toBeLessThanOrEqual(
      CAPACITY / BATCH_COST + Math.ceil(seconds * ALLOWED_PER_SECOND) + 1,
    );
    const refusals = outcomes.filter((outcome) => isAnswer(outcome) && outcome.status === 429);
    expect(
      refusals.filter(
        (outcome) => !isAnswer(outcome) || !/^[1-9]\d*$/.test(outcome.retryAfter ?? ''),
      ),
    ).toEqual([]);

    const half = Math.floor(memory.length / 2);
    const [firstPeak, secondPeak] = [memory.slice(0, half), memory.slice(half)].map((samples) =>
      Math.max(...samples),
    );
    expect(secondPeak).toBeLessThan(firstPeak + PLATEAU_DRIFT_MIB);
    expect(Math.max(...memory)).toBeLessThan(RESIDENT_CEILING_MIB);
    expect(api.process.exitCode).toBeNull();
    expect((await fetch(`${api.baseUrl}/health/live`)).status).toBe(200);

    const stored = await waitFor(
      () => ledger.count(stack.postgres.url, stack.tenant.tenant),
      ({ storedOnce }) => storedOnce === ledger.size,
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(stored).toEqual({
      acknowledged: ledger.size,
      storedOnce: ledger.size,
      missing: 0,
      doubled: 0,
    });
  });
});

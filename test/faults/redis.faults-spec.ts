import { BatchFactory } from '../../bench/support/telemetry-batches';
import { waitFor } from '../utils/wait';
import { AckLedger } from './support/ack-ledger';
import { FaultStack } from './support/fault-stack';
import {
  TelemetryLoad,
  isAnswer,
  postTelemetry,
  type Outcome,
  type TelemetryTarget,
} from './support/telemetry-load';

/** A 503 carries its answer well before this: the 1.5 s enqueue timeout plus the request's own time. */
const PROMPT_MS = 2000;

describe('Redis unreachable', () => {
  let stack: FaultStack;
  let target: TelemetryTarget;
  const factory = new BatchFactory();
  const ledger = new AckLedger();

  beforeAll(async () => {
    // With an fsynced append-only file, the jobs enqueued before the crash survive it.
    stack = await FaultStack.start('redis', { redisAppendOnly: true });
    target = await stack.telemetryTarget(await stack.startApi());
    stack.startWorker();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const load = (lanes: number) =>
    new TelemetryLoad({ target, factory, ledger, lanes, batchSize: 100, intervalMs: 20 });

  /** Load while Redis is out, until `requests` have been answered (or have failed). */
  async function duringOutage(requests: number): Promise<Outcome[]> {
    const acknowledgedBefore = ledger.size;
    const outage = load(8);
    await waitFor(
      () => Promise.resolve(outage.outcomes.length),
      (n) => n >= requests,
      { timeoutMs: 30_000 },
    );
    const outcomes = await outage.stop();
    expect(ledger.size).toBe(acknowledgedBefore);
    return outcomes;
  }

  /** Posts fresh batches until one is acknowledged: ingestion has resumed on its own. */
  async function resumed(): Promise<Outcome> {
    return waitFor(
      async () => {
        const points = factory.points(100);
        const outcome = await postTelemetry(target, JSON.stringify(points));
        if (isAnswer(outcome) && outcome.status === 200) ledger.acknowledge(points);
        return outcome;
      },
      (outcome) => isAnswer(outcome) && outcome.status === 200,
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }

  /** Every request answered, with a 5xx, within PROMPT_MS: no 200, no hung or dropped socket. */
  function expectPromptRefusals(outcomes: Outcome[]): void {
    const wrong = outcomes.filter(
      (outcome) => !isAnswer(outcome) || outcome.status < 500 || outcome.ms >= PROMPT_MS,
    );
    expect(outcomes.length).toBeGreaterThan(0);
    expect(wrong).toEqual([]);
  }

  it('crashed (SIGKILL): 5xx at once, never 200; restarted: ingestion resumes, nothing lost', async () => {
    const before = load(4);
    await waitFor(
      () => Promise.resolve(ledger.size),
      (n) => n >= 5000,
    );
    await before.stop();

    await stack.redis.kill();
    expectPromptRefusals(await duringOutage(200));

    await stack.redis.start();
    expect(isAnswer(await resumed())).toBe(true);

    await ledger.expectStoredOnce(stack.postgres.url, stack.tenant.tenant);
  });

  it('frozen (SIGSTOP, connections open, no answers): 5xx within 2 s; thawed: resumes', async () => {
    stack.redis.freeze();
    try {
      expectPromptRefusals(await duringOutage(16));
    } finally {
      stack.redis.thaw();
    }
    expect(isAnswer(await resumed())).toBe(true);

    await ledger.expectStoredOnce(stack.postgres.url, stack.tenant.tenant);
  });
});

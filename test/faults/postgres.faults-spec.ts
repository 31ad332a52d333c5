import { BatchFactory } from '../../bench/support/telemetry-batches';
import { waitFor } from '../utils/wait';
import { AckLedger } from './support/ack-ledger';
import { FAULTS_QUEUE_PREFIX, FaultStack } from './support/fault-stack';
import { waitForOpenWrite } from './support/postgres-activity';
import { QueueProbe } from './support/queue-probe';
import { TelemetryLoad, tally } from './support/telemetry-load';

describe('PostgreSQL restarted while workers write', () => {
  let stack: FaultStack;
  let probe: QueueProbe;

  beforeAll(async () => {
    stack = await FaultStack.start('postgres', {
      // The API checks credentials against its cache, not PostgreSQL, for the whole case.
      env: { AUTH_CACHE_TTL: '600' },
    });
    probe = new QueueProbe(stack.redis.url, FAULTS_QUEUE_PREFIX);
  });

  afterAll(async () => {
    await probe?.close();
    await stack?.stop();
  });

  it('the failed writes are retried and complete: every 200 stored exactly once', async () => {
    const api = await stack.startApi();
    const target = await stack.telemetryTarget(api);
    const workers = [stack.startWorker(), stack.startWorker()];
    const ledger = new AckLedger();
    const load = new TelemetryLoad({
      target,
      factory: new BatchFactory(),
      ledger,
      lanes: 4,
      batchSize: 100,
      intervalMs: 25,
    });
    expect(await waitForOpenWrite(stack.postgres.url)).toBe(true);

    await stack.postgres.stop();
    // The jobs in hand failed and wait for their retry (exponential backoff from 1 s).
    const down = await waitFor(
      () => probe.counts(),
      ({ delayed }) => delayed > 0,
    );
    expect(down.delayed).toBeGreaterThan(0);
    await stack.postgres.start();
    expect(await waitForOpenWrite(stack.postgres.url)).toBe(true);
    const outcomes = await load.stop();

    await ledger.expectStoredOnce(stack.postgres.url, stack.tenant.tenant);
    // Acknowledging never needed PostgreSQL, and no job ran out of attempts.
    expect(tally(outcomes)).toEqual({ '200': outcomes.length });
    expect((await probe.counts()).failed).toBe(0);
    // Every process rode the restart out.
    expect([api, ...workers].map(({ role, process }) => [role, process.exitCode])).toEqual([
      ['api', null],
      ['worker', null],
      ['worker', null],
    ]);
  });
});

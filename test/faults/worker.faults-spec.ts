import { BatchFactory } from '../../bench/support/telemetry-batches';
import { waitFor } from '../utils/wait';
import { AckLedger } from './support/ack-ledger';
import { FAULTS_QUEUE_PREFIX, FaultStack } from './support/fault-stack';
import { waitForOpenWrite } from './support/postgres-activity';
import { QueueProbe } from './support/queue-probe';
import { exitOf } from './support/servers';
import { TelemetryLoad, tally, type TelemetryTarget } from './support/telemetry-load';

describe('a worker killed or stopped in the middle of a batch', () => {
  let stack: FaultStack;
  let target: TelemetryTarget;
  let probe: QueueProbe;
  // One factory for the file: the two tests' points never collide.
  const factory = new BatchFactory();

  beforeAll(async () => {
    stack = await FaultStack.start('worker');
    target = await stack.telemetryTarget(await stack.startApi());
    probe = new QueueProbe(stack.redis.url, FAULTS_QUEUE_PREFIX);
  });

  afterAll(async () => {
    await probe?.close();
    await stack?.stop();
  });

  const storedOf = (ledger: AckLedger) => ledger.count(stack.postgres.url, stack.tenant.tenant);

  it('SIGKILL, then a new worker: every acknowledged point stored exactly once', async () => {
    const ledger = new AckLedger();
    const load = new TelemetryLoad({
      target,
      factory,
      ledger,
      lanes: 4,
      batchSize: 100,
      intervalMs: 25,
    });
    const worker = stack.startWorker();
    expect(await waitForOpenWrite(stack.postgres.url)).toBe(true);
    worker.process.kill('SIGKILL');
    await exitOf(worker.process);
    // The jobs it held are still active in Redis, locked by a worker that is gone.
    expect((await probe.counts()).active).toBeGreaterThan(0);

    const acknowledgedWhileDown = ledger.size;
    await waitFor(
      () => Promise.resolve(ledger.size),
      (n) => n > acknowledgedWhileDown + 2000,
    );
    const restarted = stack.startWorker();
    expect(await waitForOpenWrite(stack.postgres.url)).toBe(true);
    const outcomes = await load.stop();

    await ledger.expectStoredOnce(stack.postgres.url, stack.tenant.tenant);
    // The worker's crash is invisible to devices: the API acknowledged every batch.
    expect(tally(outcomes)).toEqual({ '200': outcomes.length });
    restarted.process.kill('SIGTERM');
    expect(await exitOf(restarted.process)).toBe(0);
  });

  it('SIGTERM: takes no new job, finishes the jobs in hand, exits 0', async () => {
    const ledger = new AckLedger();
    // A backlog first, far more than one worker holds at once.
    const load = new TelemetryLoad({
      target,
      factory,
      ledger,
      lanes: 4,
      batchSize: 100,
      intervalMs: 0,
    });
    await waitFor(
      () => Promise.resolve(ledger.size),
      (n) => n >= 50_000,
      { timeoutMs: 30_000 },
    );
    await load.stop();

    const worker = stack.startWorker();
    expect(await waitForOpenWrite(stack.postgres.url)).toBe(true);
    worker.process.kill('SIGTERM');
    expect(await exitOf(worker.process)).toBe(0);

    // Nothing held, nothing failed or put back for a retry: every job it started was completed.
    const counts = await probe.counts();
    expect({
      locked: await probe.lockedActive(),
      delayed: counts.delayed,
      failed: counts.failed,
    }).toEqual({ locked: 0, delayed: 0, failed: 0 });
    // It stopped taking jobs: the rest of the backlog waits, and everything else is stored.
    expect(counts.waiting).toBeGreaterThan(0);
    const unstarted = await probe.unstartedPoints();
    expect(await storedOf(ledger)).toEqual({
      acknowledged: ledger.size,
      storedOnce: ledger.size - unstarted,
      missing: unstarted,
      doubled: 0,
    });

    stack.startWorker();
    await ledger.expectStoredOnce(stack.postgres.url, stack.tenant.tenant);
  });
});

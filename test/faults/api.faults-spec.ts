import { BatchFactory } from '../../bench/support/telemetry-batches';
import { waitFor } from '../utils/wait';
import { AckLedger } from './support/ack-ledger';
import { FaultStack } from './support/fault-stack';
import { HeldRequest } from './support/held-request';
import { accepting } from './support/servers';
import { TelemetryLoad, isAnswer } from './support/telemetry-load';

/** How a request can fail when the server stops listening or closes an idle keep-alive socket. */
const CONNECTION_REFUSALS = ['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET'];

describe('the API process stopped (SIGTERM) under load', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await FaultStack.start('api');
    stack.startWorker();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('finishes the requests in flight with 200, then exits 0; every 200 is stored', async () => {
    const api = await stack.startApi();
    const target = await stack.telemetryTarget(api);
    const factory = new BatchFactory();
    const ledger = new AckLedger();
    const load = new TelemetryLoad({
      target,
      factory,
      ledger,
      lanes: 4,
      batchSize: 100,
      intervalMs: 10,
    });
    await waitFor(
      () => Promise.resolve(ledger.size),
      (n) => n >= 3000,
    );

    const batches = Array.from({ length: 4 }, () => factory.points(100));
    const held = await Promise.all(
      batches.map((points) => HeldRequest.open(target, JSON.stringify(points))),
    );
    api.process.kill('SIGTERM');
    // The server has stopped listening, with the held requests still open on it.
    expect(
      await waitFor(
        () => accepting(api.port),
        (open) => !open,
      ),
    ).toBe(false);
    const statuses = await Promise.all(held.map((request) => request.finish()));
    expect(statuses).toEqual(batches.map(() => 200));
    batches.forEach((points) => ledger.acknowledge(points));
    // It exits while the load keeps sending on its keep-alive connections (as a load balancer's
    // would): a deadline, so a server kept alive by them fails here rather than hanging.
    const exited = waitFor(
      () => Promise.resolve(api.process.exitCode),
      (code) => code !== null,
      { timeoutMs: 10_000 },
    );
    expect(await exited).toBe(0);

    const outcomes = await load.stop();
    // Every request was answered 200 or never reached a handler; none hung, none got a 5xx.
    const unexpected = outcomes.filter((outcome) =>
      isAnswer(outcome) ? outcome.status !== 200 : !CONNECTION_REFUSALS.includes(outcome.error),
    );
    expect(unexpected).toEqual([]);

    await ledger.expectStoredOnce(stack.postgres.url, stack.tenant.tenant);
  });
});

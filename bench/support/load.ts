import autocannon from 'autocannon';
import { summary } from './stats';
import type { BatchFactory } from './telemetry-batches';

export interface LoadOptions {
  /**
   * Where the batches go. The connections are dealt to them round-robin, as a load balancer deals
   * them to its backends: one load generator, one autocannon instance per URL.
   */
  urls: string[];
  headers: Record<string, string>;
  factory: BatchFactory;
  seconds: number;
  connections: number;
  batchSize: number;
}

export interface LoadResult {
  /**
   * How long the load ran: up to a second more than asked, as autocannon stops on the tick of
   * its one-second sampling after the time is up.
   */
  seconds: number;
  /** Points answered 200, per second of load. */
  pointsPerSecond: number;
  /** Latency of the 200s, ms. */
  p50: number;
  p99: number;
  /** Requests answered 200, in all and by URL. */
  ok: number;
  okByUrl: number[];
  /** Answers by status code. */
  statuses: Record<number, number>;
  /** Requests not answered 200: other statuses, connection errors, timeouts. */
  failed: number;
}

/** Posts unique telemetry batches from `connections` connections for `seconds`. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const { urls, connections, factory, batchSize, seconds } = options;
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  const okByUrl = urls.map(() => 0);
  const started = performance.now();
  const results = await Promise.all(
    urls.map(
      (url, index) =>
        new Promise<autocannon.Result>((resolve, reject) => {
          const instance = autocannon(
            {
              url,
              method: 'POST',
              connections:
                Math.floor(connections / urls.length) + (index < connections % urls.length ? 1 : 0),
              duration: seconds,
              headers: { 'content-type': 'application/json', ...options.headers },
              requests: [
                { setupRequest: (request) => ({ ...request, body: factory.body(batchSize) }) },
              ],
            },
            (error, result) => (error ? reject(error as Error) : resolve(result)),
          );
          // Latencies are kept one by one: percentiles of several instances cannot be merged.
          instance.on('response', (_client, status, _bytes, ms) => {
            statuses[status] = (statuses[status] ?? 0) + 1;
            if (status !== 200) return;
            okByUrl[index]++;
            latencies.push(ms);
          });
        }),
    ),
  );
  const elapsed = (performance.now() - started) / 1000;
  const ok = okByUrl.reduce((sum, n) => sum + n, 0);
  const answered = Object.values(statuses).reduce((sum, n) => sum + n, 0);
  const { p50, p99 } = summary(latencies);
  return {
    seconds: elapsed,
    pointsPerSecond: (ok * batchSize) / elapsed,
    p50,
    p99,
    ok,
    okByUrl,
    statuses,
    failed:
      answered - ok + results.reduce((sum, result) => sum + result.errors + result.timeouts, 0),
  };
}

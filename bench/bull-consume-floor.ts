import Bull from 'bull';
import { randomUUID } from 'node:crypto';
import { DURABLE_JOB_OPTIONS } from '../src/queue/queue.producer';
import {
  INGEST_JOB,
  TELEMETRY_QUEUE,
  type IngestTelemetryJob,
} from '../src/telemetry/telemetry.queue';
import { BatchFactory } from './support/telemetry-batches';

/**
 * The worker's reference floor in the ingest benchmark, not a baseline to beat: what consuming the
 * telemetry queue costs before anything is stored. It fills a queue of its own with jobs of the
 * worker's shape and options (100-point batches), then, with the clock running, takes them with
 * Bull at the worker's concurrency and only parses each job's points: no database. What the worker
 * spends beyond this floor, per row, is what storing costs it.
 *
 * Prints one JSON object on stdout: jobs, rows, seconds, jobsPerSecond, rowsPerSecond and
 * cpuMicrosPerRow (this process's CPU, user and system, over the consumption).
 *
 * Usage: bull-consume-floor.ts <redis url> <queue prefix> <jobs> <concurrency>
 */
const [redisUrl, prefix, jobCount, concurrency] = process.argv.slice(2);
const JOBS = Number(jobCount);
const BATCH = 100;
/** Jobs per `addBulk`: a few MB of points per round trip. */
const FILL_CHUNK = 200;

async function fill(queue: Bull.Queue<IngestTelemetryJob>): Promise<void> {
  const factory = new BatchFactory();
  const tenantId = randomUUID();
  for (let added = 0; added < JOBS; added += FILL_CHUNK) {
    await queue.addBulk(
      Array.from({ length: Math.min(FILL_CHUNK, JOBS - added) }, () => ({
        name: INGEST_JOB,
        data: {
          tenantId,
          requestId: randomUUID(),
          receivedAt: new Date().toISOString(),
          points: factory.body(BATCH),
        },
        opts: DURABLE_JOB_OPTIONS,
      })),
    );
  }
}

async function main(): Promise<void> {
  const queue = new Bull<IngestTelemetryJob>(TELEMETRY_QUEUE, redisUrl, { prefix });
  await fill(queue);
  let rows = 0;
  let completed = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  // A job counts once Bull has marked it complete in Redis, as the worker's drain counts it.
  const done = new Promise<void>((resolve) =>
    queue.on('completed', () => {
      if (++completed === JOBS) resolve();
    }),
  );
  void queue.process(INGEST_JOB, Number(concurrency), (job) => {
    rows += (JSON.parse(job.data.points) as unknown[]).length;
    return Promise.resolve();
  });
  await done;
  const { user, system } = process.cpuUsage(cpu);
  const seconds = (performance.now() - started) / 1000;
  await queue.close();
  console.log(
    JSON.stringify({
      jobs: completed,
      rows,
      seconds,
      jobsPerSecond: completed / seconds,
      rowsPerSecond: rows / seconds,
      cpuMicrosPerRow: (user + system) / rows,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { Logger, type INestApplicationContext } from '@nestjs/common';
import Bull, { type Job, type Queue } from 'bull';
import { withTimeout } from '../common/with-timeout';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { NORTHBOUND_QUEUE, type StoreTrackerMessageJob } from '../northbound/northbound.queue';
import { QueueConnections } from '../queue/queue-connections';
import { reportQueueErrors } from '../queue/queue-errors';
import { TELEMETRY_QUEUE, type IngestTelemetryJob } from '../telemetry/telemetry.queue';
import { SIM_STATUS_QUEUE, type CompleteSimChangeJob } from '../wireless/sim-status.queue';
import { UsageError, positiveInteger, type Command, type CommandOptions } from './options';

const QUEUES = [TELEMETRY_QUEUE, NORTHBOUND_QUEUE, SIM_STATUS_QUEUE] as const;
type QueueName = (typeof QUEUES)[number];

const DEFAULT_LIMIT = 20;
const CONNECT_TIMEOUT_MS = 5000;

const NO_QUEUE =
  'REDIS_URL is not set: without Redis (the embedded mode) there is no job queue, ingestion ' +
  'stores each batch before it answers, so there are no jobs to list or retry';

function queueOption(options: CommandOptions): QueueName | undefined {
  const value = options.queue;
  if (value === undefined) return undefined;
  if (!QUEUES.includes(value as QueueName)) {
    throw new UsageError(`--queue must be one of ${QUEUES.join(', ')} (got "${String(value)}")`);
  }
  return value as QueueName;
}

function requiredQueue(options: CommandOptions): QueueName {
  const queue = queueOption(options);
  if (!queue) throw new UsageError(`--queue is required (${QUEUES.join(' or ')})`);
  return queue;
}

function idOption(options: CommandOptions): string | undefined {
  const value = options.id;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function limitOption(options: CommandOptions): number {
  return positiveInteger(options, 'limit') ?? DEFAULT_LIMIT;
}

/** Resolves once the queue's Redis connection is up: until then its commands fail rather than wait. */
function connected(queue: Queue): Promise<void> {
  const client = queue.client;
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => client.once('ready', () => resolve()));
}

/**
 * Runs `use` on the named queues, opened as the servers open them (same Redis, prefix and
 * connection settings) but with no processor: the CLI never takes a job, whatever ROLE says.
 */
async function withQueues<T>(
  app: INestApplicationContext,
  names: readonly QueueName[],
  use: (queues: Queue<unknown>[]) => Promise<T>,
): Promise<T> {
  const config = app.get<AppConfig>(APP_CONFIG);
  if (!config.redis.url) throw new UsageError(NO_QUEUE);
  const connections = new QueueConnections(config.redis.url);
  const logger = new Logger('jobs');
  const queues = names.map((name) => new Bull<unknown>(name, connections.options(config.queue)));
  try {
    for (const queue of queues) reportQueueErrors(queue, logger);
    await withTimeout(
      Promise.all(queues.map(connected)),
      CONNECT_TIMEOUT_MS,
      'Connecting to Redis',
    );
    return await use(queues);
  } finally {
    await Promise.all(queues.map((queue) => queue.close()));
    await connections.onApplicationShutdown();
  }
}

const iso = (time: number | null | undefined) => (time ? new Date(time).toISOString() : null);

interface TelemetryContent {
  /** Null when the job's points are not a JSON array (a job no worker could read). */
  points: number | null;
  imeis?: number;
  from?: string | null;
  to?: string | null;
}

interface NorthboundContent {
  trackerId: string | null;
  recordedAt?: string | null;
  location?: boolean;
  alerts?: string[];
  droppedValues?: number;
}

/** Telemetry: how many points, and for one job, how many IMEIs and which device times. */
function telemetryContent(data: IngestTelemetryJob, detailed: boolean): TelemetryContent {
  let points: unknown;
  try {
    points = JSON.parse(data.points);
  } catch {
    return { points: null };
  }
  if (!Array.isArray(points)) return { points: null };
  if (!detailed) return { points: points.length };
  const read = (field: 'imei' | 'datetime') =>
    points.map((point: Record<string, unknown> | null) => String(point?.[field])).sort();
  const times = read('datetime');
  return {
    points: points.length,
    imeis: new Set(read('imei')).size,
    from: times[0] ?? null,
    to: times.at(-1) ?? null,
  };
}

/** Northbound: the tracker, and for one job, what its message reported. */
function northboundContent(data: StoreTrackerMessageJob, detailed: boolean): NorthboundContent {
  const { reading } = data;
  if (!detailed) return { trackerId: reading?.trackerId ?? null };
  return {
    trackerId: reading?.trackerId ?? null,
    recordedAt: reading?.recordedAt ?? null,
    location: Boolean(reading?.location),
    alerts: reading?.alerts ?? [],
    droppedValues: data.warnings?.length ?? 0,
  };
}

interface SimChangeContent {
  simSid: string | null;
  change: string | null;
}

/** A Sim's change: which Sim, and what the job completes (its new status, or a reset). */
function simChangeContent(data: Partial<CompleteSimChangeJob>): SimChangeContent {
  const { change } = data;
  return {
    simSid: data.simSid ?? null,
    change: !change ? null : change.kind === 'status' ? `status ${change.status}` : 'reset',
  };
}

/**
 * What an operator needs to know of a failed job, never its payload: who sent it (tenant id, and
 * the request id to find in the API's logs), what it holds, its size, and how it failed.
 */
function summarize(name: QueueName, job: Job<unknown>, detailed: boolean) {
  const data = (job.data ?? {}) as Partial<
    IngestTelemetryJob & StoreTrackerMessageJob & CompleteSimChangeJob
  >;
  const content =
    name === TELEMETRY_QUEUE
      ? telemetryContent(data as IngestTelemetryJob, detailed)
      : name === NORTHBOUND_QUEUE
        ? northboundContent(data as StoreTrackerMessageJob, detailed)
        : simChangeContent(data);
  return {
    queue: name,
    id: String(job.id),
    tenantId: data.tenantId ?? null,
    requestId: data.requestId ?? null,
    ...content,
    bytes: Buffer.byteLength(JSON.stringify(job.data ?? null)),
    attemptsMade: job.attemptsMade,
    failedReason: job.failedReason ?? null,
    queuedAt: iso(job.timestamp),
    failedAt: iso(job.finishedOn),
  };
}

type FailedJob = ReturnType<typeof summarize>;

function listLine(job: FailedJob): string {
  const content =
    'points' in job
      ? `${job.points ?? 'unreadable'} points`
      : 'trackerId' in job
        ? `tracker ${job.trackerId}`
        : `Sim ${job.simSid}: ${job.change}`;
  const attempts = `${job.attemptsMade} attempt${job.attemptsMade === 1 ? '' : 's'}`;
  return [
    `  ${job.queue} #${job.id}  failed ${job.failedAt ?? '?'} after ${attempts}`,
    `    tenant ${job.tenantId}  request ${job.requestId}  ${content}, ${job.bytes} bytes  queued ${job.queuedAt}`,
    `    ${(job.failedReason ?? '').split('\n')[0]}`,
  ].join('\n');
}

async function failedJob(queue: Queue<unknown>, name: QueueName, id: string) {
  const job = await queue.getJob(id);
  if (!job || !(await job.isFailed()))
    throw new UsageError(`No failed job ${id} in the ${name} queue`);
  return job;
}

async function showFailed(app: INestApplicationContext, name: QueueName, id: string) {
  return withQueues(app, [name], async ([queue]) => {
    const job = await failedJob(queue, name, id);
    const summary = summarize(name, job, true);
    // One stack per failed attempt, the last one last.
    const stacktrace = job.stacktrace ?? [];
    const error = stacktrace.at(-1) ?? summary.failedReason ?? '';
    return {
      json: { ...summary, stacktrace },
      text: [
        `${name} job #${id}`,
        ...Object.entries(summary)
          .filter(([field]) => !['queue', 'id', 'failedReason'].includes(field))
          .map(
            ([field, value]) =>
              `  ${field}: ${typeof value === 'string' ? value : JSON.stringify(value)}`,
          ),
        `  error (the last of ${stacktrace.length} recorded):`,
        ...error.split('\n').map((line) => `    ${line}`),
      ].join('\n'),
    };
  });
}

async function listFailed(
  app: INestApplicationContext,
  names: readonly QueueName[],
  limit: number,
) {
  return withQueues(app, names, async (queues) => {
    const failed: Record<string, number> = {};
    const jobs: FailedJob[] = [];
    for (const [index, queue] of queues.entries()) {
      const name = names[index];
      failed[name] = await queue.getFailedCount();
      // Newest failures first.
      for (const job of await queue.getFailed(0, limit - 1)) jobs.push(summarize(name, job, false));
    }
    const counts = names.map((name) => `${name} ${failed[name]}`).join(', ');
    return {
      json: { failed, jobs },
      text: [
        `Failed jobs: ${counts}${jobs.length > 0 ? ` (the newest ${limit} of each queue shown)` : ''}`,
        ...jobs.map(listLine),
      ].join('\n'),
    };
  });
}

export const JOB_COMMANDS: Record<string, Command> = {
  'jobs:failed': {
    usage:
      `jobs:failed [--queue ${QUEUES.join('|')}] [--limit N] [--json]` +
      `  |  jobs:failed --queue ${QUEUES.join('|')} --id <job id> [--json]`,
    async run(app, options) {
      const id = idOption(options);
      if (id !== undefined) return showFailed(app, requiredQueue(options), id);
      const queue = queueOption(options);
      return listFailed(app, queue ? [queue] : QUEUES, limitOption(options));
    },
  },
  'jobs:retry': {
    usage: `jobs:retry --queue ${QUEUES.join('|')} (--id <job id> | --all) [--json]`,
    async run(app, options) {
      const name = requiredQueue(options);
      const id = idOption(options);
      const all = options.all === true;
      if ((id !== undefined) === all) throw new UsageError('Give one of --id and --all');
      return withQueues(app, [name], async ([queue]) => {
        let retried = 0;
        if (id !== undefined) {
          await (await failedJob(queue, name, id)).retry();
          retried = 1;
        } else {
          // The failed set as it is now: a job failing again meanwhile is not retried twice.
          for (const jobId of await queue.client.zrange(queue.toKey('failed'), 0, -1)) {
            const job = await queue.getJob(jobId);
            if (!job || !(await job.isFailed())) continue;
            await job.retry();
            retried++;
          }
        }
        return {
          json: { queue: name, retried },
          text:
            `${retried} failed job${retried === 1 ? '' : 's'} of the ${name} queue moved back to ` +
            'waiting. Each gets one more attempt; one that fails again returns to the failed set.',
        };
      });
    },
  },
};

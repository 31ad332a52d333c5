/**
 * npm run bench:scale — does FleetHub scale out on one machine? The same load, from the same load
 * generator, against 1 API + 1 worker, then 2 API + 2 workers: compiled `ROLE=api` and
 * `ROLE=worker` processes on one PostgreSQL and one Redis, as in production. For each:
 *   - accepted points/s at the HTTP side, and p50/p99 of the 200s;
 *   - end-to-end points/s: rows in PostgreSQL / time from the first request until the last
 *     acknowledged point is stored; for 1 + 1, against its target (≥ 45,000, PASS/FAIL);
 *   - the CPU of each process and of the machine, during the load and while the workers catch up:
 *     what limits scaling;
 * then the ratios 2+2 / 1+1. With two API processes it also checks that the rate limits stay
 * exact across them: a tenant at the spec's limits, its requests dealt to both, must get what ONE
 * token bucket allows (PASS/FAIL).
 *
 * The load generator (autocannon, in this process) deals its connections round-robin over the API
 * processes, as a load balancer would. It shares the machine with what it measures, so its CPU is
 * reported too. BENCH_DURATION (seconds of measured load, default 20), BENCH_WARMUP (3),
 * BENCH_CONNECTIONS (32) and BENCH_LIMITS_DURATION (5) size a run; BENCH_DURATION=5 takes about a
 * minute. Needs PostgreSQL (BENCH_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres)
 * and Redis (REDIS_URL, default redis://127.0.0.1:6379); each round gets a database and a queue
 * prefix of its own, dropped afterwards. Run `npm run build` first (the script does).
 *
 * Only the end-to-end rate of 1 + 1 is judged; the exit code is non-zero only when something
 * crashes or the rate-limit check fails.
 */
import {
  SPEC_BUCKET,
  measure,
  startCluster,
  stopCluster,
  type Cluster,
  type PhaseCpu,
  type Round,
} from './support/cluster';
import { authHeaders } from './support/fleethub';
import { load, type LoadResult } from './support/load';
import { describeLoad, describeMachine } from './support/machine';
import { fmt, printTable, verdict } from './support/stats';
import { TARGETS, endToEndPasses } from './support/targets';
import { BatchFactory } from './support/telemetry-batches';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 20);
const WARMUP_S = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const LIMITS_DURATION_S = Number(process.env.BENCH_LIMITS_DURATION ?? 5);
const BATCH = 100;
/** Processes of each role per round. */
const SCALES = [1, 2];

/** What a batch costs in the spec's user bucket: ceil(points / 20). */
const BATCH_COST = Math.ceil(BATCH / 20);
/** How far, in batches, the accepted count may stray from one bucket's allowance: timing. */
const LIMITS_SLACK = 2;
const LIMITS_CONNECTIONS = 8;
/** Share of the machine's CPU others may take during a round before the report warns of it. */
const OTHERS_TOLERATED = 0.1;

interface LimitsCheck {
  processes: number;
  result: LoadResult;
  /** Batches one bucket lets through in that time. */
  allowed: number;
  pass: boolean;
}

/**
 * The rate limits across the API processes: requests of a tenant at the spec's limits, dealt to
 * every API process, must get what ONE bucket allows (capacity + refill × elapsed), not one
 * bucket's worth per process.
 */
async function checkSharedBucket(cluster: Cluster): Promise<LimitsCheck> {
  const headers = await authHeaders(cluster.apis[0].baseUrl, cluster.limited);
  const result = await load({
    urls: cluster.apis.map((api) => `${api.baseUrl}/apidev/v1/telemetry`),
    headers,
    factory: new BatchFactory(),
    seconds: LIMITS_DURATION_S,
    connections: LIMITS_CONNECTIONS,
    batchSize: BATCH,
  });
  const allowed =
    (SPEC_BUCKET.capacity + SPEC_BUCKET.refillPerSecond * result.seconds) / BATCH_COST;
  const onlyRefused = result.failed === (result.statuses[429] ?? 0);
  return {
    processes: cluster.apis.length,
    result,
    allowed,
    pass:
      Math.abs(result.ok - allowed) <= LIMITS_SLACK &&
      onlyRefused &&
      result.okByUrl.every((ok) => ok > 0),
  };
}

function reportLimits({ processes, result, allowed, pass }: LimitsCheck): void {
  const { seconds } = result;
  const refused = result.statuses[429] ?? 0;
  console.log(
    `\nRate limits across ${processes} API processes: a tenant at the spec's limits ` +
      `(${SPEC_BUCKET.capacity} tokens, ${SPEC_BUCKET.refillPerSecond}/s; a ${BATCH}-point batch costs ` +
      `${BATCH_COST}), ${LIMITS_CONNECTIONS} connections dealt round-robin for ${fmt(seconds, 2)} s`,
  );
  console.log(
    `   accepted ${result.ok} batches (${result.okByUrl.map((ok, i) => `API ${i + 1}: ${ok}`).join(', ')}), ` +
      `refused ${fmt(refused)} with 429, other answers or errors: ${result.failed - refused}`,
  );
  console.log(
    `   one shared bucket allows (${SPEC_BUCKET.capacity} + ${SPEC_BUCKET.refillPerSecond} × ${fmt(seconds, 2)}) / ` +
      `${BATCH_COST} = ${fmt(allowed, 1)} ± ${LIMITS_SLACK}; a bucket per process would allow ` +
      `${fmt(processes * allowed, 1)}`,
  );
  console.log(`   ${verdict(pass)}`);
}

const percents = (values: number[]) => values.map((value) => fmt(value)).join(' + ');
const optional = (value: number | undefined) => (value === undefined ? '—' : fmt(value));

function cpuRows(title: string, phases: PhaseCpu[]): string[][] {
  const row = (label: string, cell: (phase: PhaseCpu) => string) => [
    label,
    // Under a second, percentages are noise.
    ...phases.map((phase) => (phase.seconds < 1 ? '—' : cell(phase))),
    '',
  ];
  return [
    [title, ...phases.map(() => ''), ''],
    row('  API processes', (phase) => percents(phase.apis)),
    row('  worker processes', (phase) => percents(phase.workers)),
    row('  load generator', (phase) => fmt(phase.generator)),
    row('  Redis', (phase) => optional(phase.redis)),
    row('  PostgreSQL (the round’s connections)', (phase) => optional(phase.postgres)),
    row('  everything else', (phase) => fmt(phase.rest)),
    row('  machine', (phase) => `${fmt(phase.machine)} of ${fmt(phase.capacity)}`),
  ];
}

function report(rounds: Round[]): void {
  const [base, scaled] = [rounds[0], rounds[rounds.length - 1]];
  const ratio = (of: (round: Round) => number) => fmt(of(scaled) / of(base), 2);
  console.log(
    `\nThroughput: ${CONNECTIONS} connections, ${BATCH}-point batches over 10,000 IMEIs, ` +
      `${WARMUP_S} s warm-up then ${DURATION_S} s measured`,
  );
  printTable([
    [
      '',
      ...rounds.map(
        (round) => `${round.size} API + ${round.size} worker${round.size > 1 ? 's' : ''}`,
      ),
      `${scaled.size}+${scaled.size} / ${base.size}+${base.size}`,
    ],
    [
      'HTTP accepted points/s',
      ...rounds.map((round) => fmt(round.http.pointsPerSecond)),
      ratio((round) => round.http.pointsPerSecond),
    ],
    [
      'end-to-end points/s (200 → row)',
      ...rounds.map((round) => fmt(round.endToEnd)),
      ratio((round) => round.endToEnd),
    ],
    ['measured load, s', ...rounds.map((round) => fmt(round.http.seconds, 1)), ''],
    [
      'HTTP latency p50 / p99, ms',
      ...rounds.map((round) => `${fmt(round.http.p50, 1)} / ${fmt(round.http.p99, 1)}`),
      '',
    ],
    ['requests not answered 200', ...rounds.map((round) => fmt(round.http.failed)), ''],
    [
      'rows stored / points acknowledged',
      ...rounds.map((round) => `${fmt(round.rows)} / ${fmt(round.acknowledged)}`),
      '',
    ],
    ['failed jobs', ...rounds.map((round) => fmt(round.failedJobs)), ''],
    [
      'workers caught up after the load, s',
      ...rounds.map((round) => fmt(round.catchUpSeconds, 1)),
      '',
    ],
    ...cpuRows(
      'CPU during the load, % of one core',
      rounds.map((round) => round.cpu.load),
    ),
    // Workers that keep up with the load catch up in no time: nothing to show then.
    ...(rounds.some((round) => round.cpu.catchUp.seconds >= 1)
      ? cpuRows(
          'CPU while the workers caught up',
          rounds.map((round) => round.cpu.catchUp),
        )
      : []),
  ]);
  if (base.size === 1) {
    console.log(
      `\nEnd to end, 1 API + 1 worker: ${fmt(base.endToEnd)} points/s durably readable ` +
        `(target ≥ ${fmt(TARGETS.endToEndPointsPerSecond)}) ${verdict(endToEndPasses(base))}`,
    );
  }
  // Every acknowledged point must be stored; more rows than 200s counted is fine (the load
  // generator stops counting answers still in flight when its time is up).
  for (const round of rounds.filter((round) => round.rows < round.acknowledged)) {
    console.log(
      `\n(!) ${round.size}+${round.size}: ${fmt(round.acknowledged - round.rows)} acknowledged points are not in PostgreSQL`,
    );
  }
  for (const round of rounds.filter(
    ({ cpu }) => cpu.load.rest > OTHERS_TOLERATED * cpu.load.capacity,
  )) {
    console.log(
      `\n(!) ${round.size}+${round.size}: other processes took ${fmt(round.cpu.load.rest)} % of the CPU ` +
        'during the load; on a quiet machine the rounds compare better.',
    );
  }
  const load = scaled.cpu.load;
  const saturated = load.machine >= 0.9 * load.capacity;
  console.log(
    `\nWhat limits scaling: during the ${scaled.size}+${scaled.size} load the machine's CPU was ` +
      `${fmt(load.machine)} % busy of ${fmt(load.capacity)} % (API ${percents(load.apis)}, ` +
      `workers ${percents(load.workers)}, load generator ${fmt(load.generator)}, ` +
      `Redis ${optional(load.redis)}, PostgreSQL ${optional(load.postgres)}, else ${fmt(load.rest)}): ` +
      (saturated
        ? 'the CPU is the limit; more processes than cores only share them.'
        : 'the CPU was not saturated; see the processes above (Redis runs on one core: 100 % is its ceiling).'),
  );
}

async function main(): Promise<void> {
  console.log(`FleetHub scale benchmark — ${describeMachine()}; ${describeLoad()}`);
  const rounds: Round[] = [];
  let limits: LimitsCheck | undefined;
  for (const size of SCALES) {
    const cluster = await startCluster(size);
    try {
      rounds.push(
        await measure(cluster, {
          seconds: DURATION_S,
          warmupSeconds: WARMUP_S,
          connections: CONNECTIONS,
        }),
      );
      if (size > 1) limits = await checkSharedBucket(cluster);
    } finally {
      await stopCluster(cluster);
    }
  }
  report(rounds);
  console.log(`\n${describeLoad()} at the end`);
  if (!limits) throw new Error('no round had several API processes to check the rate limits on');
  reportLimits(limits);
  if (!limits.pass) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

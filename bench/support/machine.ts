import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fmt } from './stats';

/** `4 × AMD EPYC, 15.6 GiB, Node v20.19.0`: the machine a benchmark's figures come from. */
export function describeMachine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}`;
}

/**
 * `load average 1.80, 3.84, 3.93` (1, 5 and 15 minutes): on a shared machine, how busy others kept
 * it around a run.
 */
export function describeLoad(): string {
  return `load average ${loadavg()
    .map((load) => fmt(load, 2))
    .join(', ')}`;
}

/** Clock ticks per second of the times in /proc (USER_HZ). */
const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** CPU time a process has used so far, in seconds; undefined once it is gone (Linux /proc). */
function processSeconds(pid: number): number | undefined {
  try {
    // Fields after the command name, which is in parentheses and may itself hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime + stime
  } catch {
    return undefined;
  }
}

/** The pid when a process of that name runs on this machine (a server may live elsewhere). */
export function localPid(pid: number, name: string): number | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').includes(name) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export interface CpuSnapshot {
  at: number;
  /** CPU seconds of each process watched. */
  processes: Map<number, number>;
  /** The machine's CPU seconds, summed over its cores: busy, and in all. */
  busy: number;
  total: number;
}

/** The CPU time used so far by the machine and by each of `pids`. */
export function cpuSnapshot(pids: number[]): CpuSnapshot {
  // The first line of /proc/stat: user nice system idle iowait irq softirq steal (guest is in user).
  const ticks = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number);
  const total = ticks.reduce((sum, n) => sum + n, 0);
  const idle = ticks[3] + ticks[4];
  const processes = new Map<number, number>();
  for (const pid of pids) {
    const seconds = processSeconds(pid);
    if (seconds !== undefined) processes.set(pid, seconds);
  }
  return { at: performance.now(), processes, busy: (total - idle) / TICKS, total: total / TICKS };
}

/** CPU use between two snapshots in percent of one core (two busy cores: 200 %). */
export interface CpuUse {
  /**
   * What the processes used together. One missing from `from` started after it and counts whole;
   * one missing from `to` had ended, and what it used is not known.
   */
  of(pids: number[]): number;
  machine: number;
  /** What all the machine's cores could have given. */
  capacity: number;
}

export function cpuUse(from: CpuSnapshot, to: CpuSnapshot): CpuUse {
  const wallSeconds = (to.at - from.at) / 1000;
  const cores = cpus().length;
  const seconds = (pid: number) => {
    const end = to.processes.get(pid);
    return end === undefined ? 0 : end - (from.processes.get(pid) ?? 0);
  };
  return {
    of: (pids) => (100 * pids.reduce((sum, pid) => sum + seconds(pid), 0)) / wallSeconds,
    machine: (100 * cores * (to.busy - from.busy)) / (to.total - from.total),
    capacity: 100 * cores,
  };
}

/**
 * Runs `work`; with it, the CPU that processes other than `ours` took meanwhile, in percent of one
 * core. `ours` is asked at the start and at the end (for processes started meanwhile).
 */
export async function othersDuring<T>(
  ours: () => Promise<number[]>,
  work: () => Promise<T>,
): Promise<{ result: T; others: number }> {
  const from = cpuSnapshot(await ours());
  const result = await work();
  const pids = [...new Set([...from.processes.keys(), ...(await ours())])];
  const use = cpuUse(from, cpuSnapshot(pids));
  return { result, others: Math.max(0, use.machine - use.of(pids)) };
}

import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';

/** Resident set size of a process, in MiB (Linux: read from /proc). */
async function residentMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib) / 1024;
}

/** Samples a process's resident set size every `intervalMs` until stopped. */
export class ResidentSampler {
  readonly samples: number[] = [];
  private running = true;
  private readonly sampling: Promise<void>;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 100,
  ) {
    this.sampling = this.sample();
  }

  /** The samples taken, in MiB. */
  async stop(): Promise<number[]> {
    this.running = false;
    await this.sampling;
    return this.samples;
  }

  private async sample(): Promise<void> {
    while (this.running) {
      this.samples.push(await residentMiB(this.pid));
      await delay(this.intervalMs);
    }
  }
}

/** One full (mark-compact) collection: when it ended and the heap it left, in MiB. */
export interface FullCollection {
  at: number;
  liveMiB: number;
}

/** The node flag that makes V8 print a line per collection on stdout. */
export const TRACE_GC = '--trace-gc';

/** `[pid:isolate]  5432 ms: Mark-Compact 259.2 (283.0) -> 39.7 (154.5) MB, ...` */
const MARK_COMPACT = /ms: Mark-Compact(?: \(reduce\))? [\d.]+ \([\d.]+\) -> ([\d.]+) \(/;

/**
 * The full collections of a process started with `--trace-gc` and its stdout piped, read as they
 * happen (reading also keeps the pipe from filling and stalling the process).
 */
export class FullCollections {
  readonly collections: FullCollection[] = [];

  constructor(stdout: Readable) {
    createInterface({ input: stdout }).on('line', (line) => {
      const live = MARK_COMPACT.exec(line)?.[1];
      if (live !== undefined) this.collections.push({ at: Date.now(), liveMiB: Number(live) });
    });
  }

  /** Those that ended within [from, to) (epoch ms). */
  between(from: number, to: number): FullCollection[] {
    return this.collections.filter(({ at }) => at >= from && at < to);
  }
}

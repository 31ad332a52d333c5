import { readFile } from 'node:fs/promises';
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

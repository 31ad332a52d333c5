/**
 * Group commit: callers submit items one at a time; items that arrive while every writer is busy
 * are flushed together by the next free writer. An idle system writes each item at once (lowest
 * latency); a loaded one writes large groups (fewest commits).
 *
 * When a group fails, its items are retried one by one, so one bad item fails alone.
 */
export class GroupCommit<T> {
  private pending: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private writing = 0;

  constructor(
    private readonly flush: (items: T[]) => Promise<unknown>,
    private readonly writers: number,
  ) {}

  submit(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.writing < this.writers && this.pending.length > 0) {
      const group = this.pending;
      this.pending = [];
      this.writing++;
      void this.write(group).finally(() => {
        this.writing--;
        this.drain();
      });
    }
  }

  private async write(group: typeof this.pending): Promise<void> {
    try {
      await this.flush(group.map(({ item }) => item));
      for (const entry of group) entry.resolve();
    } catch (error) {
      if (group.length === 1) {
        group[0].reject(error);
        return;
      }
      for (const entry of group) {
        await this.flush([entry.item]).then(entry.resolve, entry.reject);
      }
    }
  }
}

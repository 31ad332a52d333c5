import { GroupCommit } from './group-commit';

/** A flush whose completion the test controls, recording the groups it was given. */
function controllableFlush() {
  const groups: number[][] = [];
  const releases: (() => void)[] = [];
  let failOn: number | undefined;
  const flush = (items: number[]) => {
    groups.push(items);
    return new Promise<void>((resolve, reject) => {
      releases.push(() =>
        failOn !== undefined && items.includes(failOn)
          ? reject(new Error(`bad ${failOn}`))
          : resolve(),
      );
    });
  };
  return {
    flush,
    groups,
    releaseAll: () => releases.splice(0).forEach((release) => release()),
    failOn: (item: number) => (failOn = item),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('writes an item at once when a writer is free', async () => {
    const flush = controllableFlush();
    const commit = new GroupCommit(flush.flush, 2);
    const done = commit.submit(1);
    expect(flush.groups).toEqual([[1]]);
    flush.releaseAll();
    await expect(done).resolves.toBeUndefined();
  });

  it('groups the items that arrive while every writer is busy', async () => {
    const flush = controllableFlush();
    const commit = new GroupCommit(flush.flush, 1);
    const all = [1, 2, 3, 4].map((item) => commit.submit(item));
    expect(flush.groups).toEqual([[1]]);
    flush.releaseAll();
    await tick();
    expect(flush.groups).toEqual([[1], [2, 3, 4]]);
    flush.releaseAll();
    await Promise.all(all);
  });

  it('never runs more writers than allowed', async () => {
    const flush = controllableFlush();
    const commit = new GroupCommit(flush.flush, 2);
    const all = [1, 2, 3, 4, 5].map((item) => commit.submit(item));
    expect(flush.groups).toEqual([[1], [2]]);
    flush.releaseAll();
    await tick();
    expect(flush.groups.slice(2)).toEqual([[3, 4, 5]]);
    flush.releaseAll();
    await Promise.all(all);
  });

  it('retries a failed group item by item, so only the bad item fails', async () => {
    const flush = controllableFlush();
    const commit = new GroupCommit(flush.flush, 1);
    const first = commit.submit(1);
    const rest = [2, 3, 4].map((item) => commit.submit(item));
    const settled = Promise.allSettled(rest);
    flush.failOn(3);
    flush.releaseAll();
    await first;
    await tick();
    expect(flush.groups[1]).toEqual([2, 3, 4]);
    for (let i = 0; i < 4; i++) {
      flush.releaseAll();
      await tick();
    }
    const results = await settled;
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(flush.groups.slice(2)).toEqual([[2], [3], [4]]);
  });
});

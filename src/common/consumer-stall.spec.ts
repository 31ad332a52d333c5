import { Readable } from 'node:stream';
import { onConsumerStall } from './consumer-stall';

async function* pieces(...values: string[]): AsyncGenerator<string> {
  for (const value of values) {
    // A source that takes its time: production time must never count as a stall.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    yield value;
  }
}

describe('onConsumerStall', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('passes every piece on, and never calls onStall for a consumer that keeps taking them', async () => {
    const onStall = jest.fn();
    const taken: string[] = [];
    const consuming = (async () => {
      for await (const piece of onConsumerStall(pieces('a', 'b', 'c'), 1000, onStall))
        taken.push(piece);
    })();
    await jest.advanceTimersByTimeAsync(20_000);
    await consuming;
    expect(taken).toEqual(['a', 'b', 'c']);
    expect(onStall).not.toHaveBeenCalled();
  });

  it('calls onStall once the consumer has left a piece untaken for idleMs', async () => {
    const onStall = jest.fn();
    const watched = onConsumerStall(pieces('a', 'b'), 1000, onStall);
    const first = watched.next();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(await first).toEqual({ value: 'a', done: false });
    await jest.advanceTimersByTimeAsync(999);
    expect(onStall).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(onStall).toHaveBeenCalledTimes(1);
  });

  it('stops watching when the consumer gives up, and ends the source', async () => {
    const onStall = jest.fn();
    const source = Readable.from(['a', 'b']);
    const watched = onConsumerStall(source, 1000, onStall);
    await watched.next();
    await watched.return(undefined);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(onStall).not.toHaveBeenCalled();
    expect(source.destroyed).toBe(true);
  });
});

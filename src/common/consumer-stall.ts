/**
 * Passes `source` on piece by piece, and calls `onStall` when the consumer leaves a piece untaken
 * (does not ask for the next) for `idleMs`. A stream made of the result (`Readable.from`) asks for
 * the next piece only once what it holds has gone on, so a wait here is the wait of whatever it
 * is piped into: for an HTTP response, a client that has stopped reading. Time the source itself
 * takes to produce a piece (a slow query) never counts.
 */
export async function* onConsumerStall<T>(
  source: AsyncIterable<T>,
  idleMs: number,
  onStall: () => void,
): AsyncGenerator<T> {
  for await (const piece of source) {
    const timer = setTimeout(onStall, idleMs);
    try {
      yield piece;
    } finally {
      clearTimeout(timer);
    }
  }
}

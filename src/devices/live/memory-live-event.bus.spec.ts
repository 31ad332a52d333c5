import {
  compareLiveIds,
  REPLAY_WINDOW_MESSAGES,
  WATCH_WINDOW_MS,
  type LiveMessage,
} from './live-message';
import { MemoryLiveEventBus } from './memory-live-event.bus';

const draft = (n: number) => ({ type: 'position' as const, deviceId: 'd', data: String(n) });

describe('MemoryLiveEventBus', () => {
  it('delivers a tenant its own messages only, with increasing ids', async () => {
    const bus = new MemoryLiveEventBus();
    const mine: LiveMessage[] = [];
    const theirs: LiveMessage[] = [];
    await bus.subscribe('a', (message) => mine.push(message));
    const unsubscribe = await bus.subscribe('b', (message) => theirs.push(message));
    await bus.publish('a', [draft(1), draft(2), draft(3)]);
    expect(mine.map((message) => message.data)).toEqual(['1', '2', '3']);
    expect(theirs).toEqual([]);
    expect(compareLiveIds(mine[0].id, mine[1].id)).toBeLessThan(0);
    expect(compareLiveIds(mine[1].id, mine[2].id)).toBeLessThan(0);
    unsubscribe();
    await bus.publish('b', [draft(4)]);
    expect(theirs).toEqual([]);
  });

  it('replays what came after an id, and says when the window no longer reaches it', async () => {
    const bus = new MemoryLiveEventBus();
    const seen: LiveMessage[] = [];
    await bus.subscribe('a', (message) => seen.push(message));
    await bus.publish('a', [draft(1), draft(2), draft(3)]);
    const replay = await bus.replay('a', seen[0].id);
    expect(replay).toEqual({ messages: seen.slice(1), complete: true });

    await bus.publish(
      'a',
      Array.from({ length: REPLAY_WINDOW_MESSAGES }, (_, i) => draft(i)),
    );
    const late = await bus.replay('a', seen[0].id);
    expect(late.complete).toBe(false);
    expect(late.messages).toHaveLength(REPLAY_WINDOW_MESSAGES);
    expect(await bus.replay('unknown', seen[0].id)).toEqual({ messages: [], complete: false });
  });

  it('counts a tenant watched while it has a stream and for the watch window after', async () => {
    jest.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    try {
      const bus = new MemoryLiveEventBus();
      expect(await bus.watched(['a', 'b'])).toEqual(new Set());
      const unsubscribe = await bus.subscribe('a', () => undefined);
      jest.advanceTimersByTime(WATCH_WINDOW_MS * 3);
      expect(await bus.watched(['a', 'b'])).toEqual(new Set(['a']));
      unsubscribe();
      jest.advanceTimersByTime(WATCH_WINDOW_MS - 1);
      expect(await bus.watched(['a'])).toEqual(new Set(['a']));
      jest.advanceTimersByTime(1);
      expect(await bus.watched(['a'])).toEqual(new Set());
    } finally {
      jest.useRealTimers();
    }
  });
});

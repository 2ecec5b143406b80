import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBurstDeferral } from '../../src/slack/reporter/defer-during-burst.js';

/** Work that records when it starts and finishes only when told to. */
function gatedWork(log: string[]) {
  const open = new Map<string, () => void>();
  return {
    work: (key: string) => () => {
      log.push(key);
      return new Promise<void>((resolve) => open.set(key, resolve));
    },
    finish(key: string) {
      open.get(key)?.();
    },
  };
}

const done = (log: string[], key: string) => () => {
  log.push(key);
  return Promise.resolve();
};

describe('createBurstDeferral', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds work while new items keep coming, and lets it out once things are quiet', () => {
    const log: string[] = [];
    const burst = createBurstDeferral({ quietMs: 50, maxDelayMs: 1000, concurrency: 10 });
    burst.defer('r-1', done(log, 'r-1'));
    vi.advanceTimersByTime(40);
    burst.defer('r-2', done(log, 'r-2'));
    vi.advanceTimersByTime(40);
    expect(log).toEqual([]);
    expect(burst.size).toBe(2);
    vi.advanceTimersByTime(10);
    expect(log).toEqual(['r-1', 'r-2']);
  });

  it(
    'never holds the first item longer than the ' + 'maximum delay, however long the burst lasts',
    () => {
      const log: string[] = [];
      const burst = createBurstDeferral({ quietMs: 50, maxDelayMs: 200, concurrency: 10 });
      for (let i = 0; i < 10; i++) {
        burst.defer(`r-${i}`, done(log, `r-${i}`));
        vi.advanceTimersByTime(30);
      }
      // Let out at 200 ms (items 0-6), then the rest after their own quiet period.
      expect(log).toEqual(['r-0', 'r-1', 'r-2', 'r-3', 'r-4', 'r-5', 'r-6']);
      vi.advanceTimersByTime(50);
      expect(log).toHaveLength(10);
    },
  );

  it(
    'runs released work at most `concurrency` at a ' +
      'time, in order, and says when all of it is done',
    async () => {
      const log: string[] = [];
      const gate = gatedWork(log);
      const burst = createBurstDeferral({ quietMs: 50, maxDelayMs: 1000, concurrency: 2 });
      for (const key of ['a', 'b', 'c', 'd']) burst.defer(key, gate.work(key));
      let allDone = false;
      const drained = burst.releaseAll().then(() => (allDone = true));
      expect(log).toEqual(['a', 'b']);
      gate.finish('b');
      await vi.waitFor(() => expect(log).toEqual(['a', 'b', 'c']));
      gate.finish('a');
      gate.finish('c');
      await vi.waitFor(() => expect(log).toEqual(['a', 'b', 'c', 'd']));
      expect(allDone).toBe(false);
      gate.finish('d');
      await drained;
      expect(burst.size).toBe(0);
    },
  );

  it('release starts one key at once, ahead of its turn, and only once', async () => {
    const log: string[] = [];
    const gate = gatedWork(log);
    const burst = createBurstDeferral({ quietMs: 50, maxDelayMs: 1000, concurrency: 1 });
    burst.defer('a', gate.work('a'));
    burst.defer('b', gate.work('b'));
    burst.defer('c', gate.work('c'));
    void burst.releaseAll();
    expect(log).toEqual(['a']);
    // 'c' waits for a lane; a later event of its run must not wait behind 'a' and 'b'.
    void burst.release('c');
    await burst.release('c');
    await burst.release('unknown');
    expect(log).toEqual(['a', 'c']);
    gate.finish('a');
    await vi.waitFor(() => expect(log).toEqual(['a', 'c', 'b']));
  });

  it(
    'keeps only the newest work for a key, and ' + 'a failing work does not stop the others',
    async () => {
      const log: string[] = [];
      const burst = createBurstDeferral({ quietMs: 50, maxDelayMs: 1000, concurrency: 1 });
      burst.defer('a', done(log, 'old'));
      burst.defer('a', () => Promise.reject(new Error('slack down')));
      burst.defer('b', done(log, 'b'));
      await burst.releaseAll();
      expect(log).toEqual(['b']);
    },
  );
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBurstDeferral } from '../../src/slack/reporter/defer-during-burst.js';

describe('createBurstDeferral', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds work while new items keep coming, and releases all of it once things are quiet', () => {
    const done: string[] = [];
    const burst = createBurstDeferral({ quietMs: 50, maxDelayMs: 1000 });
    burst.defer('r-1', () => done.push('r-1'));
    vi.advanceTimersByTime(40);
    burst.defer('r-2', () => done.push('r-2'));
    vi.advanceTimersByTime(40);
    expect(done).toEqual([]);
    expect(burst.size).toBe(2);
    vi.advanceTimersByTime(10);
    expect(done).toEqual(['r-1', 'r-2']);
    expect(burst.size).toBe(0);
  });

  it('never holds the first item longer than the maximum delay, however long the burst lasts', () => {
    const done: string[] = [];
    const burst = createBurstDeferral({ quietMs: 50, maxDelayMs: 200 });
    for (let i = 0; i < 10; i++) {
      burst.defer(`r-${i}`, () => done.push(`r-${i}`));
      vi.advanceTimersByTime(30);
    }
    // Released at 200 ms (items 0-6), then the rest after their own quiet period.
    expect(done).toEqual(['r-0', 'r-1', 'r-2', 'r-3', 'r-4', 'r-5', 'r-6']);
    vi.advanceTimersByTime(50);
    expect(done).toHaveLength(10);
  });

  it('release runs one key at once and only once; releaseAll runs the rest; nothing runs twice', () => {
    const done: string[] = [];
    const burst = createBurstDeferral({ quietMs: 50, maxDelayMs: 1000 });
    burst.defer('r-1', () => done.push('r-1'));
    burst.defer('r-2', () => done.push('r-2'));
    burst.release('r-2');
    burst.release('r-2');
    burst.release('r-unknown');
    expect(done).toEqual(['r-2']);
    burst.releaseAll();
    vi.advanceTimersByTime(5000);
    expect(done).toEqual(['r-2', 'r-1']);
  });

  it('keeps only the newest work for a key', () => {
    const done: string[] = [];
    const burst = createBurstDeferral({ quietMs: 50, maxDelayMs: 1000 });
    burst.defer('r-1', () => done.push('old'));
    burst.defer('r-1', () => done.push('new'));
    vi.advanceTimersByTime(50);
    expect(done).toEqual(['new']);
  });
});

import { describe, expect, it } from 'vitest';
import { runLockTiming, TAKEOVER_MS, takeoverBoundMs } from '../../src/queue/run-lock-timing.js';

describe('the run lock that bounds a takeover', () => {
  it('takes over a dead worker within TAKEOVER_MS, 3 s, leaving room in the 5 s goal', () => {
    expect(TAKEOVER_MS).toBe(3_000);
    expect(takeoverBoundMs(runLockTiming())).toBe(TAKEOVER_MS);
    expect(takeoverBoundMs(runLockTiming(6_000))).toBe(6_000);
  });

  it('lets a live worker stall 2 s and keep its lock; marks a job before it lapses', () => {
    const { lockDurationMs, lockRenewMs, stalledIntervalMs } = runLockTiming();
    expect(lockDurationMs - lockRenewMs).toBeGreaterThanOrEqual(2_000);
    // A check between the last renewal and the lapse marks the job; the next one moves it.
    expect(stalledIntervalMs).toBeLessThan(lockDurationMs - lockRenewMs);
  });
});

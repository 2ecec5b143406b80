/**
 * How soon a run whose worker died is taken over by another worker: the one setting behind the
 * run worker's BullMQ lock (docs/architecture.md, "A worker that dies mid-run").
 *
 * A worker killed between the Elastic IP move and the route repoint leaves the hub's traffic
 * down until another worker resumes the run, so the bound is seconds, not BullMQ's default
 * minute (30 s lock + 30 s stalled check). The lock is renewed by a timer of its own, whatever
 * the step awaits (an instance booting, a commit-confirm), so a long step keeps it; only an
 * event loop blocked longer than `lockDurationMs - lockRenewMs` loses it, and then the run's
 * fence (every save and every irreversible act checks the lock's token) stops the stale
 * worker while the new owner resumes the run at its saved cursor.
 */
export const TAKEOVER_MS = 3_000;

export interface RunLockTiming {
  /** How long a run's job stays this worker's without renewal. */
  lockDurationMs: number;
  /** How often the lock is renewed (BullMQ's lockRenewTime; it looks twice as often). */
  lockRenewMs: number;
  /** How often the workers look for jobs whose lock lapsed (BullMQ's stalledInterval). */
  stalledIntervalMs: number;
}

/**
 * The lock that gives `takeoverMs`: a dead worker's lock lapses within `lockDurationMs` of its
 * last renewal, and the next stalled check (one every `stalledIntervalMs`, across all workers)
 * puts the job back in the queue, where a waiting worker takes it at once: 5/6 + 1/6 of the
 * bound. Renewing every 1/6 lets a live worker's event loop stall for 4/6 of it (2 s at the
 * default) without losing the lock.
 */
export function runLockTiming(takeoverMs = TAKEOVER_MS): RunLockTiming {
  const sixth = takeoverMs / 6;
  return {
    lockDurationMs: Math.round(sixth * 5),
    lockRenewMs: Math.round(sixth),
    stalledIntervalMs: Math.round(sixth),
  };
}

/** The longest a run waits for another worker once its own died (the lock, then one check). */
export function takeoverBoundMs(timing: RunLockTiming): number {
  return timing.lockDurationMs + timing.stalledIntervalMs;
}

import type { LockHolder } from './target-lock.js';

/**
 * Thrown by the engine when a `whenBusy: 'wait'` run finds its target held: not a failure.
 * The queue adapter re-queues the job `retryInMs` later (BullMQ `moveToDelayed` +
 * `DelayedError`, which uses no attempt); the run record is untouched, so the next pickup
 * starts exactly where this one would have.
 */
export class WaitForTarget extends Error {
  constructor(
    readonly target: string,
    readonly holder: LockHolder,
    readonly retryInMs: number,
  ) {
    super(`${target} is held by ${holder.runId}; waiting ${retryInMs} ms before trying again`);
    this.name = 'WaitForTarget';
  }
}

/** Around `baseMs`, spread so that runs waiting on one router do not all wake at once. */
export function waitDelayMs(baseMs: number, random: () => number = Math.random): number {
  return Math.max(10, Math.round(baseMs * (0.5 + random())));
}

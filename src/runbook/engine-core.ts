import type { Redis } from 'ioredis';
import { FlatnetError } from '../errors.js';
import type { Logger } from '../log.js';
import { notifyObservers, type RunObserver } from './observer.js';
import type { RunQueuePort } from './run-queue-port.js';
import type { RunStore } from './run-store.js';
import type { TargetLock } from './target-lock.js';
import type { Run, RunEvent, RunKind, RunStatus, Runbook } from './types.js';

/** What the engine's pieces share: one per engine, built by createEngine. */
export interface EngineCore<D> {
  redis: Redis;
  store: RunStore;
  locks: TargetLock;
  queue: RunQueuePort;
  runbooks: Partial<Record<RunKind, Runbook<D>>>;
  deps: D;
  depsFor?: (run: Readonly<Run>) => Promise<D>;
  observers: RunObserver[];
  log: Logger;
  clock: () => number;
  observerTimeoutMs: number;
  leaseTtlMs: number;
  /** How long a `whenBusy: 'wait'` run waits before trying a held target again (jittered). */
  busyRetryMs: number;
  /** The command that asks for a run again ("ask again with …"); the front end knows it. */
  describeCommand: (run: Run) => string;
}

/**
 * This worker no longer owns the run (its BullMQ lock or the target's lease went to someone
 * else). Never a step failure: the worker stops touching the run, the new owner carries on.
 */
export class OwnershipLostError extends FlatnetError {
  constructor(message: string) {
    super('LOCKED', message, 'another worker resumed the run; this one stops without acting');
    this.name = 'OwnershipLostError';
  }
}

/** The run reached a final state elsewhere (cancelled, expired) while this worker held it. */
export class RunClosedError extends Error {
  constructor(readonly status: RunStatus) {
    super(`the run is already ${status}`);
    this.name = 'RunClosedError';
  }
}

/** Errors no retry can fix: BullMQ should fail the job at once. */
export function isNonRetryable(err: unknown): boolean {
  return (
    err instanceof FlatnetError &&
    (err.code === 'BAD_INPUT' || err.code === 'FORBIDDEN' || err.code === 'UNKNOWN_TARGET')
  );
}

export function makeEvent(
  run: Run,
  type: RunEvent['type'],
  at: number,
  extra: Omit<Partial<RunEvent>, 'type' | 'runId' | 'at'> = {},
): RunEvent {
  return { type, runId: run.id, at, ...extra };
}

/** Appends the event to the run's stream and the audit trail, then tells the observers. */
export async function emit<D>(core: EngineCore<D>, run: Run, event: RunEvent): Promise<void> {
  await core.store.appendEvent(run, event);
  await announce(core, run, event);
}

/** Tells the observers about an event a Lua script already appended atomically. */
export async function announce<D>(core: EngineCore<D>, run: Run, event: RunEvent): Promise<void> {
  await notifyObservers(core.observers, run, event, core.log, core.observerTimeoutMs);
}

/**
 * Saves the record with the worker's fence. A lost fence or a run closed elsewhere stops the
 * worker (by throwing) before it can act again.
 */
export async function saveOrStop<D>(
  core: EngineCore<D>,
  run: Run,
  fence?: { lockKey: string; token: string },
): Promise<void> {
  run.updatedAt = core.clock();
  const saved = await core.store.save(run, fence);
  if (saved.ok) return;
  if (saved.reason === 'closed') throw new RunClosedError(saved.status ?? 'cancelled');
  if (saved.reason === 'not-owner')
    throw new OwnershipLostError(`this worker no longer holds run ${run.id}`);
  throw new FlatnetError(
    'INTERNAL',
    `run ${run.id} vanished from Redis while it was being processed`,
    'check Redis persistence (AOF) and maxmemory-policy noeviction',
  );
}

/** Sets the final status and outcome, saves, and says `finished`. */
export async function finishRun<D>(
  core: EngineCore<D>,
  run: Run,
  status: RunStatus,
  outcome: string,
  options: {
    fence?: { lockKey: string; token: string };
    error?: string;
    user?: string;
    releaseTarget?: string;
  } = {},
): Promise<void> {
  run.status = status;
  run.outcome = outcome;
  if (options.error !== undefined) run.error = options.error;
  // Free the router before anyone can see the run is over: a follow-up asked the moment the
  // record or the thread says "done" must not be told the router is busy. (A crash right
  // here leaves a run whose only remaining act is saving its final status.)
  // Only while this worker still holds the job: a stale worker must not free the lease of
  // the worker that took the run over (the lease is per run, so it would match).
  const stillOwner =
    !options.fence || (await core.redis.get(options.fence.lockKey)) === options.fence.token;
  if (options.releaseTarget && stillOwner) {
    await core.locks
      .release(options.releaseTarget, run.id)
      .catch((err: unknown) =>
        core.log.warn(
          { err: String(err) },
          'could not release a target lease; it expires by itself',
        ),
      );
  }
  await saveOrStop(core, run, options.fence);
  await emit(
    core,
    run,
    makeEvent(run, 'finished', core.clock(), {
      text: outcome,
      ...(options.user ? { user: options.user } : {}),
    }),
  );
}

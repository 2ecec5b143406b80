import type { RedisClient } from '../util/redis-client.js';
import { FlatnetError } from '../errors.js';
import type { Logger } from '../log.js';
import { notifyObservers, type RunObserver } from './observer.js';
import type { AwaitReplicas } from './replica-ack.js';
import type { RunQueuePort } from './run-queue-port.js';
import type { RunStore } from './run-store.js';
import type { TargetLock } from './target-lock.js';
import type { Run, RunEvent, RunKind, RunStatus, Runbook } from './types.js';

/** What the engine's pieces share: one per engine, built by createEngine. */
export interface EngineCore<D> {
  redis: RedisClient;
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
  /** Waits for a replica to hold this core's writes before the world acts on them. */
  awaitReplicas: AwaitReplicas;
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

/** Where a worker's save is checked (its BullMQ lock) and what a final save frees. */
export interface SaveOptions {
  fence?: { lockKey: string; token: string } | undefined;
  /** The target whose lease this run holds: released by the save that makes the run final. */
  lease?: string | undefined;
  /** The other routers whose leases it holds (Runbook.alsoLocks), freed the same way. */
  alsoLeased?: readonly string[] | undefined;
}

/**
 * Says something that changes nothing in the record (a note, "started", "undo-started"):
 * appended to the run's stream and the audit trail, then told to the observers.
 */
export async function emit<D>(core: EngineCore<D>, run: Run, event: RunEvent): Promise<void> {
  await core.store.appendEvent(run, event);
  await announce(core, run, event);
}

/** Tells the observers about an event a Lua script already appended atomically. */
export async function announce<D>(core: EngineCore<D>, run: Run, event: RunEvent): Promise<void> {
  await notifyObservers(core.observers, run, event, core.log, core.observerTimeoutMs);
}

/**
 * The one way the engine changes a run: the record and the events that say what changed, in
 * one Lua script (lua/save-run.lua), so a crash leaves both or neither; then the observers
 * hear the events. A lost fence or a run closed elsewhere stops the worker (by throwing)
 * before it can act again.
 */
export async function save<D>(
  core: EngineCore<D>,
  run: Run,
  events: RunEvent[],
  options: SaveOptions = {},
): Promise<void> {
  run.updatedAt = core.clock();
  const saved = await core.store.save(run, events, options);
  if (!saved.ok) {
    if (saved.reason === 'closed') throw new RunClosedError(saved.status ?? 'cancelled');
    if (saved.reason === 'not-owner')
      throw new OwnershipLostError(`this worker no longer holds run ${run.id}`);
    throw new FlatnetError(
      'INTERNAL',
      `run ${run.id} vanished from Redis while it was being processed`,
      'check Redis persistence (AOF) and maxmemory-policy noeviction',
    );
  }
  for (const event of events) await announce(core, run, event);
}

/**
 * Sets the final status and outcome and saves them with the `finished` event. The same save
 * frees the run's target lease (only while this worker still holds the job, and only if this
 * run holds the lease): a follow-up asked the moment the thread says "done" finds it free.
 */
export async function finishRun<D>(
  core: EngineCore<D>,
  run: Run,
  status: RunStatus,
  outcome: string,
  options: SaveOptions & { error?: string | undefined; user?: string } = {},
): Promise<void> {
  run.status = status;
  run.outcome = outcome;
  if (options.error !== undefined) run.error = options.error;
  const finished = makeEvent(run, 'finished', core.clock(), {
    text: outcome,
    ...(options.user ? { user: options.user } : {}),
  });
  await save(core, run, [finished], {
    fence: options.fence,
    lease: options.lease,
    alsoLeased: options.alsoLeased,
  });
}

import type { RedisClient } from '../util/redis-client.js';
import { BadInputError, describeError, FlatnetError } from '../errors.js';
import type { Logger } from '../log.js';
import { runCancelScript, runDecideScript, runExpireScript } from './approval-scripts.js';
import { formatClock, formatDuration } from '../util/format-time.js';
import { awaitReplicasOn, NO_REPLICA_ACK, type ReplicaAck } from './replica-ack.js';
import { awaitRedisReady, FAILOVER_WAIT_MS } from '../util/await-redis-ready.js';
import { describeBusyTarget, describeWaitingRun } from './describe-run.js';
import { announce, finishRun, makeEvent, type EngineCore } from './engine-core.js';
import { describeRefusal } from './describe-refusal.js';
import { makeRunId, RUN_ID_PATTERN } from './make-run-id.js';
import type { RunObserver } from './observer.js';
import { processRun } from './process-run.js';
import type { RunJobHandle, RunQueuePort } from './run-queue-port.js';
import { RunStore } from './run-store.js';
import { TargetLock, type LockHolder } from './target-lock.js';
import {
  FINAL_STATUSES,
  type ApprovalPolicy,
  type Run,
  type RunKind,
  type Runbook,
} from './types.js';
import type { SubmitInput } from './run-request.js';

export type { SubmitInput };

export interface EngineOptions<D> {
  /**
   * A connection for the engine's own commands (a producer connection is fine for submit/decide).
   */
  redis: RedisClient;
  /**
   * A patient connection (role `worker`) for what a worker does to a run, so that its saves and
   * notes wait out a failover instead of failing a step half done. Default `redis`.
   */
  workRedis?: RedisClient;
  /** Replicas that must hold an approval, a lease or a step pointer first. Default none. */
  replicaAck?: ReplicaAck;
  /**
   * How long a submit, decision or cancel asked while Redis is between masters waits for the
   * new one before it is refused (src/util/await-redis-ready.ts). Default 2 s.
   */
  failoverWaitMs?: number;
  prefix: string;
  queue: RunQueuePort;
  runbooks: Partial<Record<RunKind, Runbook<D>>>;
  deps: D;
  /**
   * The dependencies of one run, when they depend on the run (its resolved routers): called
   * once per job, before the run's steps. Default: `deps` for every run.
   */
  depsFor?: (run: Readonly<Run>) => Promise<D>;
  observers?: RunObserver[];
  logger: Logger;
  clock?: () => number;
  /** How long one observer may hold up a run per event. Default 2 s. */
  observerTimeoutMs?: number;
  /**
   * The target lease's time to live; renewed every third of it while the run runs. Default 60 s.
   */
  leaseTtlMs?: number;
  /**
   * A `whenBusy: 'wait'` run finding its target held tries again after about this long. Default 250
   * ms.
   */
  busyRetryMs?: number;
  /**
   * The slash command that asks for a run again, for "ask again with …" (the grammar's
   * rebuildCommandLine): the engine knows runs, not the commands that start them.
   */
  describeCommand: (run: Run) => string;
  /**
   * How long a finished run and its events stay in Redis (read at each transition, so a
   * reloaded inventory applies to the next runs). Default 90 days.
   */
  runRetentionMs?: () => number;
}

export interface DecisionResult {
  ok: boolean;
  message: string;
  run: Run;
}

export interface Engine {
  readonly store: RunStore;
  readonly locks: TargetLock;
  submit(input: SubmitInput): Promise<Run>;
  process(runId: string, job: RunJobHandle): Promise<void>;
  decide(runId: string, user: string, decision: 'approve' | 'reject'): Promise<DecisionResult>;
  expire(runId: string): Promise<Run | undefined>;
  cancel(runId: string, user: string): Promise<DecisionResult>;
  /**
   * A worker gave up on the run for good (attempts used up, stalled too often): say so on the
   * record.
   */
  abandon(runId: string, reason: string): Promise<void>;
  whoHolds(target: string): Promise<LockHolder | undefined>;
  get(runId: string): Promise<Run | undefined>;
  attachThread(runId: string, rootTs: string): Promise<void>;
  close(): Promise<void>;
}

export function createEngine<D>(options: EngineOptions<D>): Engine {
  const store = new RunStore(options.redis, options.prefix, options.runRetentionMs);
  const locks = new TargetLock(options.redis, options.prefix);
  const ack = options.replicaAck ?? NO_REPLICA_ACK;
  const failoverWaitMs = options.failoverWaitMs ?? FAILOVER_WAIT_MS;
  const core: EngineCore<D> = {
    redis: options.redis,
    store,
    locks,
    queue: options.queue,
    runbooks: options.runbooks,
    deps: options.deps,
    ...(options.depsFor ? { depsFor: options.depsFor } : {}),
    observers: options.observers ?? [],
    log: options.logger,
    clock: options.clock ?? Date.now,
    observerTimeoutMs: options.observerTimeoutMs ?? 2_000,
    leaseTtlMs: options.leaseTtlMs ?? 60_000,
    busyRetryMs: options.busyRetryMs ?? 250,
    describeCommand: options.describeCommand,
    awaitReplicas: awaitReplicasOn(options.redis, ack, store.keys.audit, options.logger),
  };
  // A worker's view of the same engine: its own patient connection, store, leases and WAIT.
  const work = options.workRedis;
  const workCore: EngineCore<D> = work
    ? {
        ...core,
        redis: work,
        store: new RunStore(work, options.prefix, options.runRetentionMs),
        locks: new TargetLock(work, options.prefix),
        awaitReplicas: awaitReplicasOn(work, ack, store.keys.audit, options.logger),
      }
    : core;

  async function mustGet(runId: string): Promise<Run> {
    const run = await store.get(runId);
    if (!run)
      throw new FlatnetError(
        'UNKNOWN_TARGET',
        `there is no run ${runId}`,
        'check the run id in the thread or in `/router history`',
      );
    return run;
  }

  /**
   * A run on the same router that is still planned or waiting for approval holds no lock yet,
   * but a second one asked now would run on a plan made before the first changed the router
   * (a stale scale-up launching an extra instance): refuse it, naming the waiting run.
   */
  async function refuseBehindWaitingRun(lockTarget: string, run: Run): Promise<void> {
    const recent = await unlessRedisIsDown(store.list({ target: run.target, limit: 20 }));
    const waiting = recent.find(
      (r) =>
        (r.status === 'planning' || r.status === 'awaiting-approval') &&
        !r.dryRun &&
        options.runbooks[r.kind]?.lockTarget?.(r) === lockTarget,
    );
    if (waiting) throw new FlatnetError('LOCKED', ...describeWaitingRun(lockTarget, waiting));
  }

  /**
   * A submit naming a run that exists: the same request asked again (a caller that died
   * between choosing the id and hearing the answer). That run, queued again while it still
   * plans: the plan job's id is the run's, so BullMQ adds nothing when the first submit queued it.
   */
  async function sameRunAgain(existing: Run, input: SubmitInput): Promise<Run> {
    if (
      existing.kind !== input.kind ||
      existing.target !== input.target ||
      existing.requester !== input.requester
    )
      throw new FlatnetError(
        'INTERNAL',
        `run id ${existing.id} is taken by another run (${existing.kind} ${existing.target})`,
        'submit again with a new run id',
      );
    if (existing.status === 'planning') await options.queue.enqueue('plan', existing.id);
    return existing;
  }

  return {
    store,
    locks,

    async submit(input) {
      await awaitRedisReady(options.redis, failoverWaitMs);
      const runbook = options.runbooks[input.kind];
      if (!runbook)
        throw new BadInputError(
          `flatnet has no runbook for "${input.kind}"`,
          'see `/vpn help` and `/router help` for what can be run',
        );
      if (input.runId !== undefined) {
        if (!RUN_ID_PATTERN.test(input.runId))
          throw new FlatnetError(
            'INTERNAL',
            `"${input.runId}" is not a run id`,
            'make one with makeRunId() (src/runbook/make-run-id.ts)',
          );
        const existing = await unlessRedisIsDown(store.get(input.runId));
        if (existing) return sameRunAgain(existing, input);
      }
      const now = core.clock();
      // A dry run changes nothing (DryRun calls, `compare` only), so nobody is asked to approve it.
      const approval =
        input.approval && !input.dryRun
          ? checkApproval(input.approval, input.requester, now)
          : undefined;
      const run: Run = {
        id: input.runId ?? makeRunId(),
        kind: input.kind,
        target: input.target,
        params: input.params,
        requester: input.requester,
        origin: input.origin,
        status: 'planning',
        dryRun: input.dryRun,
        createdAt: now,
        updatedAt: now,
        steps: runbook.steps.map((s) => ({ id: s.id, title: s.title, status: 'pending' })),
        cursor: 0,
        decisions: [],
        ...(approval ? { approval } : {}),
      };
      // Refuse early when the router is visibly busy: cheaper than a run that fails later.
      // A runbook that waits for its target queues behind the holder instead.
      const lockTarget =
        input.dryRun || runbook.whenBusy === 'wait' ? undefined : runbook.lockTarget?.(run);
      const holder = lockTarget ? await unlessRedisIsDown(locks.whoHolds(lockTarget)) : undefined;
      if (lockTarget && holder)
        throw new FlatnetError('LOCKED', describeBusyTarget(lockTarget, holder));
      if (lockTarget) await refuseBehindWaitingRun(lockTarget, run);

      const created = makeEvent(run, 'created', now, { user: input.requester });
      for (let attempt = 0; !(await unlessRedisIsDown(store.create(run, created))); attempt++) {
        // Created by the same request in between: that one is the run.
        const raced = input.runId ? await unlessRedisIsDown(store.get(input.runId)) : undefined;
        if (raced) return sameRunAgain(raced, input);
        if (attempt >= 5)
          throw new FlatnetError(
            'INTERNAL',
            'could not find a free run id after 6 tries',
            'check that Redis is not full of old runs',
          );
        run.id = makeRunId();
        created.runId = run.id;
      }
      try {
        await options.queue.enqueue('plan', run.id);
      } catch (err) {
        await finishRun(core, run, 'failed', 'Nothing was changed: the run could not be queued.', {
          error: String(err),
        }).catch(() => undefined);
        throw new FlatnetError(
          'REDIS',
          `run ${run.id} could not be queued`,
          'check that Redis is up (REDIS_URL), then ask again',
          { cause: err },
        );
      }
      await announce(core, run, created);
      return run;
    },

    process: (runId, job) => processRun(workCore, runId, job),

    async decide(runId, user, decision) {
      await awaitRedisReady(options.redis, failoverWaitMs);
      const now = core.clock();
      const verdict = await runDecideScript(options.redis, store.keys, {
        runId,
        user,
        decision,
        now,
        retentionMs: store.retentionMs(),
      });
      // Slack says the decision counts only once a failover cannot take it back.
      if (verdict.code !== 'missing') await core.awaitReplicas('the approval decision', runId);
      // Throws for an unknown run id ('missing'): there is no run to return.
      const run = await mustGet(runId);
      switch (verdict.code) {
        case 'approved':
          await announce(
            core,
            run,
            makeEvent(run, 'approved', now, { user, text: `${verdict.count}/${verdict.needed}` }),
          );
          // Idempotent by job id: a retried click cannot start the run twice.
          await options.queue.enqueue('exec', run.id);
          return {
            ok: true,
            message:
              `approved by <@${user}> (${verdict.count}/${verdict.needed}): ` +
              `run ${run.id} starts now`,
            run,
          };
        case 'recorded': {
          const left = verdict.needed - verdict.count;
          await announce(
            core,
            run,
            makeEvent(run, 'note', now, {
              user,
              text: `approved by <@${user}> (${verdict.count}/${verdict.needed})`,
            }),
          );
          return {
            ok: true,
            message:
              `your approval of ${run.id} is recorded (${verdict.count}/${verdict.needed}); ` +
              `${left} more approver${left === 1 ? '' : 's'} needed`,
            run,
          };
        }
        case 'rejected':
          await announce(core, run, makeEvent(run, 'rejected', now, { user }));
          await finishRun(
            core,
            run,
            'rejected',
            `Rejected by <@${user}> at ${formatClock(now)}. Nothing was changed.`,
            { user },
          );
          return { ok: true, message: `you rejected run ${run.id}; nothing was changed`, run };
        case 'expired':
          await closeExpired(run, now);
          return {
            ok: false,
            message: describeRefusal(
              run,
              { code: 'not-waiting', status: 'expired' },
              core.describeCommand,
            ),
            run,
          };
        default:
          return { ok: false, message: describeRefusal(run, verdict, core.describeCommand), run };
      }
    },

    async expire(runId) {
      const now = core.clock();
      const code = await runExpireScript(
        options.redis,
        store.keys,
        runId,
        now,
        store.retentionMs(),
      );
      const run = await store.get(runId);
      if (!run) return undefined;
      if (code === 'expired') await closeExpired(run, now);
      // Approved, but the process that recorded the approval died before queueing the run:
      // queueing again is a no-op when it did queue it.
      else if (run.status === 'running') await options.queue.enqueue('exec', run.id);
      return run;
    },

    async cancel(runId, user) {
      await awaitRedisReady(options.redis, failoverWaitMs);
      const now = core.clock();
      // The script sets the status and the outcome and says `finished`, in one transition.
      const verdict = await runCancelScript(
        options.redis,
        store.keys,
        runId,
        user,
        now,
        store.retentionMs(),
        `Cancelled by <@${user}> at ${formatClock(now)}. Nothing was changed.`,
      );
      if (verdict.code === 'cancelled') await core.awaitReplicas('the cancel', runId);
      const run = await mustGet(runId);
      if (verdict.code === 'cancelled') {
        await announce(
          core,
          run,
          makeEvent(run, 'finished', now, { user, text: `cancelled by <@${user}>` }),
        );
        return { ok: true, message: `run ${run.id} is cancelled; nothing was changed`, run };
      }
      if (verdict.code === 'not-approver') {
        return {
          ok: false,
          message: `only the requester <@${run.requester}> or an approver may cancel run ${run.id}`,
          run,
        };
      }
      if (verdict.code === 'not-waiting' && verdict.status === 'running') {
        return {
          ok: false,
          message:
            `run ${run.id} is already changing ${run.target}; stopping it halfway ` +
            'is riskier than letting it finish (it undoes itself if a step fails)',
          run,
        };
      }
      return {
        ok: false,
        message: `run ${run.id} is already ${run.status}; there is nothing to cancel`,
        run,
      };
    },

    async abandon(runId, reason) {
      const run = await store.get(runId);
      if (!run || FINAL_STATUSES.includes(run.status)) return;
      const running = run.steps.find((s) => s.status === 'running');
      const done = run.steps.filter((s) => s.status === 'done').map((s) => `"${s.title}"`);
      const outcome =
        `flatnet's workers gave up on this run: ${reason}.` +
        (done.length > 0 ? ` Done: ${done.join(', ')}.` : ' No step had finished.') +
        (running ? ` "${running.title}" was under way and may be half done.` : '') +
        (` Nothing was undone. To continue: check ${run.target}, then ` +
          `finish by hand or ask again with \`${core.describeCommand(run)}\`.`);
      // The final save frees the run's lease, if it holds one; the target is read off the run
      // as it is saved (failed), as every other reader of a finished run sees it.
      run.status = 'failed';
      await finishRun(core, run, 'failed', outcome, {
        error: reason,
        lease: leaseOf(run),
        alsoLeased: otherLeasesOf(run),
      });
    },

    whoHolds: (target) => locks.whoHolds(target),
    get: (runId) => store.get(runId),
    attachThread: (runId, rootTs) => store.attachThread(runId, rootTs),
    close: () => store.close(),
  };

  /** The target whose lease the run would hold (none for a dry run, or unreadable params). */
  function leaseOf(run: Run): string | undefined {
    try {
      return run.dryRun ? undefined : options.runbooks[run.kind]?.lockTarget?.(run);
    } catch (err) {
      core.log.warn(
        { runId: run.id, err: describeError(err) },
        'could not tell the lease of a run',
      );
      return undefined;
    }
  }

  /** The other routers whose leases the run may hold (Runbook.alsoLocks), freed with it. */
  function otherLeasesOf(run: Run): string[] {
    try {
      return run.dryRun ? [] : (options.runbooks[run.kind]?.alsoLocks?.(run) ?? []);
    } catch (err) {
      core.log.warn(
        { runId: run.id, err: describeError(err) },
        'could not tell the other leases of a run',
      );
      return [];
    }
  }

  async function closeExpired(run: Run, now: number): Promise<void> {
    const approval = run.approval;
    const window = approval
      ? ` (${formatDuration(approval.expiresAt - run.createdAt, 'whole')})`
      : '';
    await announce(core, run, makeEvent(run, 'expired', now));
    await finishRun(
      core,
      run,
      'expired',
      `Expired at ${formatClock(approval?.expiresAt ?? now)}${window} without enough ` +
        `approvals. Nothing was changed. Ask again with \`${core.describeCommand(run)}\`.`,
    );
  }
}

function checkApproval(
  input: SubmitInput['approval'] & object,
  requester: string,
  now: number,
): ApprovalPolicy {
  const { expiresInMs, ...policy } = input;
  if (!Number.isInteger(policy.distinctApprovers) || policy.distinctApprovers < 1) {
    throw new BadInputError(
      `an approval needs at least 1 approver, not ${policy.distinctApprovers}`,
      'set distinctApprovers to 1 or more in the inventory',
    );
  }
  const eligible = new Set(
    policy.approvers.filter((u) => policy.allowSelfApproval || u !== requester),
  );
  if (eligible.size < policy.distinctApprovers) {
    throw new BadInputError(
      `this run needs ${policy.distinctApprovers} distinct approvers but ` +
        `only ${eligible.size} ${eligible.size === 1 ? 'person' : 'people'} ` +
        'other than the requester may approve it',
      'add approvers to the inventory, or lower distinctApprovers',
    );
  }
  if (!(expiresInMs > 0))
    throw new BadInputError(
      `approval expiry must be positive, not ${expiresInMs} ms`,
      'use e.g. 30 minutes',
    );
  return { ...policy, expiresAt: now + expiresInMs };
}

/**
 * The command handlers' Redis connection fails fast while Redis is down (no offline queue),
 * after waiting a moment for a new master (`awaitRedisReady`): say that in words a person can
 * act on, instead of ioredis's "Stream isn't writeable".
 */
async function unlessRedisIsDown<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof FlatnetError) throw err;
    throw new FlatnetError(
      'REDIS',
      `Redis is not answering, failing over or down (${(err as Error).message}): ` +
        'the run was not recorded and nothing was started',
      'ask again in a few seconds (a failover takes a few); if it persists, check Redis',
      { cause: err },
    );
  }
}

import { describeError, FlatnetError } from '../errors.js';
import { describeBusyTarget } from './describe-run.js';
import {
  emit,
  finishRun,
  makeEvent,
  RunClosedError,
  save,
  type EngineCore,
} from './engine-core.js';
import type { RunJobHandle } from './run-queue-port.js';
import { heldBy, runOneStep, StepFailure, type RunSession } from './run-session.js';
import { FINAL_STATUSES, type Run } from './types.js';
import { undoCompletedSteps } from './undo-completed-steps.js';
import type { LockHolder } from './target-lock.js';
import { waitDelayMs, WaitForTarget } from './wait-for-target.js';

/**
 * What a worker does with a `plan` or `exec` job. Everything is driven by the saved record:
 * a job picked up again after a crash finds the cursor and carries on from there.
 */
export async function processRun<D>(
  core: EngineCore<D>,
  runId: string,
  job: RunJobHandle,
): Promise<void> {
  const run = await core.store.get(runId);
  if (!run) {
    core.log.warn({ runId, job: job.name }, 'job for a run that does not exist; dropping it');
    return;
  }
  if (FINAL_STATUSES.includes(run.status)) return;
  const runbook = core.runbooks[run.kind];
  if (!runbook) {
    throw new FlatnetError(
      'UNKNOWN_TARGET',
      `this worker has no runbook for "${run.kind}" (run ${run.id})`,
      'start the worker with every runbook registered (src/cli.ts)',
    );
  }
  const plans = job.name === 'plan' && run.status === 'planning';
  // A run without approval executes inside its plan job: resumed there after a crash.
  const executes =
    (job.name === 'plan' && run.status === 'running' && !run.approval) ||
    (job.name === 'exec' && run.status === 'running');
  if (!plans && !executes) return;
  const deps = core.depsFor ? await core.depsFor(run) : core.deps;
  const session: RunSession<D> = { core, run, runbook, job, deps };
  try {
    if (plans) await planRun(session);
    else await executeRun(session);
  } catch (err) {
    // Cancelled or expired while we held it: nothing more to do, and nothing to report.
    if (err instanceof RunClosedError) return;
    throw err;
  }
}

async function planRun<D>(session: RunSession<D>): Promise<void> {
  const { core, run, runbook } = session;
  try {
    for (let i = run.cursor; i < runbook.steps.length && runbook.steps[i]?.phase === 'plan'; i++)
      await runOneStep(session, i);
  } catch (err) {
    if (!(err instanceof StepFailure)) throw err;
    await finishRun(
      core,
      run,
      'failed',
      `Planning failed at "${run.steps[err.index]?.title}": ` +
        `${err.reason}. Nothing was changed (planning only reads).`,
      { ...heldBy(session), error: err.reason },
    );
    return;
  }
  run.plan =
    runbook.describePlan?.(run) ??
    runbook.steps.filter((s) => s.phase === 'execute').map((s, i) => `${i + 1}. ${s.title}`);
  const planned = makeEvent(run, 'planned', core.clock(), { text: run.plan.join('\n') });

  if (run.approval) {
    run.status = 'awaiting-approval';
    const awaiting = makeEvent(run, 'awaiting-approval', core.clock());
    await save(core, run, [planned, awaiting], heldBy(session));
    // The expiry is a delayed job, so it fires even if no process is watching the clock.
    await core.queue.enqueue('expire', run.id, { delayMs: run.approval.expiresAt - core.clock() });
    return;
  }
  run.status = 'running';
  await save(core, run, [planned], heldBy(session));
  await executeRun(session);
}

async function executeRun<D>(session: RunSession<D>): Promise<void> {
  const { core, run, runbook } = session;
  // A dry run changes nothing, so it does not keep a real run off the router.
  const target = run.dryRun ? undefined : runbook.lockTarget?.(run);
  if (target) {
    const lease = await core.locks.acquire(
      target,
      { runId: run.id, kind: run.kind, requester: run.requester, since: core.clock() },
      core.leaseTtlMs,
    );
    if (!lease.ok && runbook.whenBusy === 'wait') {
      await noteWaitingOnce(session, target, lease.holder);
      throw new WaitForTarget(target, lease.holder, waitDelayMs(core.busyRetryMs));
    }
    if (!lease.ok) {
      const busy = describeBusyTarget(target, lease.holder);
      await finishRun(core, run, 'failed', `Nothing was changed: ${busy}.`, {
        ...heldBy(session),
        error: busy,
      });
      return;
    }
    session.leasedTarget = target;
    // Another run must not get the same router from a promoted replica that never saw this.
    await core.awaitReplicas(`the lease on ${target}`, run.id);
  }
  if (!run.dryRun && runbook.alsoLocks) await leaseOtherRouters(session, runbook.alsoLocks);
  const held = [...(target ? [target] : []), ...(session.alsoLeased ?? [])];
  const renewal = held.length > 0 ? keepLease(session, held) : undefined;
  try {
    const failedIndex = run.steps.findIndex((s) => s.status === 'failed');
    if (failedIndex >= 0) {
      // A worker died while undoing: carry on undoing, never re-run the failed step.
      await undoCompletedSteps(session, failedIndex);
      return;
    }
    const resumeAt = run.steps[run.cursor];
    const firstExecute = runbook.steps.findIndex((s) => s.phase === 'execute');
    const resuming = run.cursor > firstExecute || resumeAt?.status === 'running';
    await emit(
      core,
      run,
      makeEvent(
        run,
        'started',
        core.clock(),
        resuming && resumeAt
          ? { stepId: resumeAt.id, text: `resuming at "${resumeAt.title}"` }
          : {},
      ),
    );
    try {
      for (let i = run.cursor; i < runbook.steps.length; i++) {
        if (runbook.steps[i]?.phase === 'execute') await runOneStep(session, i);
      }
    } catch (err) {
      if (!(err instanceof StepFailure)) throw err;
      await undoCompletedSteps(session, err.index);
      return;
    }
    const summary =
      runbook.summarize?.(run) ??
      `${run.kind} on ${run.target} finished: ${run.steps.length} steps done.`;
    await finishRun(
      core,
      run,
      'succeeded',
      run.dryRun ? `Dry run: nothing was changed. ${summary}` : summary,
      // The final save frees the router; a worker that lost the run leaves the lease to the
      // worker that resumes it (same run id, so it re-acquires it).
      heldBy(session),
    );
  } finally {
    if (renewal) clearInterval(renewal);
  }
}

/**
 * The other routers the run changes (Runbook.alsoLocks), all or none. Busy: wait, never fail
 * (WaitForTarget re-queues the job; the run record is untouched). A run whose worker dies
 * re-acquires them under the same run id.
 */
async function leaseOtherRouters<D>(
  session: RunSession<D>,
  alsoLocks: (run: Readonly<Run>) => string[],
): Promise<void> {
  const { core, run } = session;
  const routers = [...new Set(alsoLocks(run))].filter((r) => r !== session.leasedTarget).sort();
  if (routers.length === 0) return;
  const holder = { runId: run.id, kind: run.kind, requester: run.requester, since: core.clock() };
  const lease = await core.locks.acquireAll(routers, holder, core.leaseTtlMs);
  if (!lease.ok) {
    await noteWaitingOnce(session, lease.target, lease.holder);
    throw new WaitForTarget(lease.target, lease.holder, waitDelayMs(core.busyRetryMs));
  }
  session.alsoLeased = routers;
  await core.awaitReplicas(`the leases on ${routers.join(', ')}`, run.id);
}

/**
 * One line in the thread the first time a run finds its router held ("waiting for
 * hub-tokyo-a: r-7k2m9q (add-peer by <@U1>) holds it"), not one per retry: twenty queued
 * add-peers would otherwise flood twenty threads.
 */
async function noteWaitingOnce<D>(
  session: RunSession<D>,
  target: string,
  holder: LockHolder,
): Promise<void> {
  const { core, run } = session;
  const first = await core.redis.set(
    `${core.store.keys.run(run.id)}:waiting`,
    holder.runId,
    'PX',
    24 * 3_600_000,
    'NX',
  );
  if (first !== 'OK') return;
  const text =
    `waiting for ${target}: ${holder.runId} (${holder.kind} by ` +
    `<@${holder.requester}>) holds it; this run starts when it is free`;
  await emit(core, run, makeEvent(run, 'note', core.clock(), { text }));
}

function keepLease<D>(session: RunSession<D>, targets: readonly string[]): NodeJS.Timeout {
  const { core, run } = session;
  const renewOne = (target: string): void => {
    core.locks
      .renew(target, run.id, core.leaseTtlMs)
      .then((held) => {
        if (!held)
          core.log.error(
            { runId: run.id, target },
            'lost the lease on the target; the next ownership check stops this worker',
          );
      })
      .catch((err: unknown) =>
        core.log.warn(
          { err: describeError(err), runId: run.id, target },
          'could not renew the target lease',
        ),
      );
  };
  const timer = setInterval(() => targets.forEach(renewOne), Math.max(50, core.leaseTtlMs / 3));
  timer.unref();
  return timer;
}

import { describeError, RefusedParamError } from '../errors.js';
import {
  emit,
  makeEvent,
  OwnershipLostError,
  save,
  type EngineCore,
  type SaveOptions,
} from './engine-core.js';
import { findSecretField } from './find-secret-field.js';
import type { RunJobHandle } from './run-queue-port.js';
import type { Json, Run, Runbook, StepContext, StepOutcome } from './types.js';

/** One worker's hold on one run while it processes a job. */
export interface RunSession<D> {
  core: EngineCore<D>;
  run: Run;
  runbook: Runbook<D>;
  job: RunJobHandle;
  /** What this run's steps get as `deps` (see EngineOptions.depsFor). */
  deps: D;
  /** The target whose lease this session holds, once acquired. */
  leasedTarget?: string;
  /** The other routers whose leases it holds (Runbook.alsoLocks), once acquired. */
  alsoLeased?: readonly string[];
}

/** A step failed (not the engine): the run goes on to undo or stop. */
export class StepFailure extends Error {
  constructor(
    readonly index: number,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'StepFailure';
  }
}

/** How this session's saves are fenced (its BullMQ lock), and the lease its final save frees. */
export function heldBy<D>(session: RunSession<D>): SaveOptions {
  return { fence: session.job.fence, lease: session.leasedTarget, alsoLeased: session.alsoLeased };
}

export async function assertStillOwner<D>(session: RunSession<D>): Promise<void> {
  const { core, run } = session;
  if (!(await session.job.stillOwner()))
    throw new OwnershipLostError(`this worker no longer holds run ${run.id}`);
  if (
    session.leasedTarget &&
    !(await core.locks.renew(session.leasedTarget, run.id, core.leaseTtlMs))
  ) {
    throw new OwnershipLostError(`run ${run.id} lost its lease on ${session.leasedTarget}`);
  }
  for (const router of session.alsoLeased ?? [])
    if (!(await core.locks.renew(router, run.id, core.leaseTtlMs)))
      throw new OwnershipLostError(`run ${run.id} lost its lease on ${router}`);
  // Right before an irreversible act: the step pointer that says it is under way, and the
  // lease, must survive a failover, or a resumed run would not know to look first.
  await core.awaitReplicas('the step pointer', run.id);
}

export function stepContext<D>(
  session: RunSession<D>,
  stepId: string,
  dryRun: boolean,
  firstAttempt = false,
): StepContext<D> {
  const { core, run } = session;
  const results: Record<string, Json | undefined> = {};
  for (const state of run.steps) if (state.result !== undefined) results[state.id] = state.result;
  return {
    run: structuredClone(run),
    deps: session.deps,
    log: core.log.child({ runId: run.id, step: stepId }),
    results,
    dryRun,
    firstAttempt,
    note: (text) => emit(core, run, makeEvent(run, 'note', core.clock(), { stepId, text })),
    assertStillOwner: () => assertStillOwner(session),
  };
}

/**
 * Runs step `index`: saved as running first (so a crash is visible and the step is re-run on
 * resume: steps are idempotent by contract), then its result and the cursor after it.
 */
export async function runOneStep<D>(session: RunSession<D>, index: number): Promise<void> {
  const { core, run, runbook } = session;
  const step = runbook.steps[index];
  const state = run.steps[index];
  if (!step || !state) throw new Error(`run ${run.id} has no step ${index}`);
  // Saved as running by a worker that died in it: resumed, its act may have happened.
  const firstAttempt = state.status !== 'running';
  state.status = 'running';
  state.startedAt = core.clock();
  delete state.error;
  await save(
    core,
    run,
    [makeEvent(run, 'step-started', core.clock(), { stepId: step.id, text: step.title })],
    heldBy(session),
  );

  let reason: string | undefined;
  let outcome: StepOutcome = {};
  try {
    outcome =
      (await step.run(
        stepContext(session, step.id, run.dryRun && step.phase === 'execute', firstAttempt),
      )) ?? {};
    const secret = findSecretField(outcome);
    if (secret) {
      reason =
        `step ${step.id} returned ${secret} that looks like a secret; flatnet ` +
        'refuses to store it (step results are kept in the run history)';
      core.log.error({ runId: run.id, step: step.id, err: new Error(reason) }, 'step failed');
    }
  } catch (err) {
    if (err instanceof OwnershipLostError) throw err;
    reason = describeError(err);
    // A refused key may be a private key: the failure is saved without it.
    if (err instanceof RefusedParamError) delete run.params[err.param];
    // The record and the thread keep the sentence; the log keeps the stack, once.
    core.log.error({ runId: run.id, step: step.id, err }, 'step failed');
  }
  if (reason === undefined) {
    state.status = 'done';
    state.finishedAt = core.clock();
    if (outcome.result !== undefined) state.result = outcome.result;
    if (outcome.detail !== undefined) state.detail = outcome.detail;
    run.cursor = index + 1;
    await save(
      core,
      run,
      [
        makeEvent(run, 'step-finished', core.clock(), {
          stepId: step.id,
          ...(outcome.detail ? { text: outcome.detail } : {}),
        }),
      ],
      heldBy(session),
    );
    return;
  }
  state.status = 'failed';
  state.finishedAt = core.clock();
  state.error = reason;
  await save(
    core,
    run,
    [makeEvent(run, 'step-failed', core.clock(), { stepId: step.id, text: reason })],
    heldBy(session),
  );
  throw new StepFailure(index, reason);
}

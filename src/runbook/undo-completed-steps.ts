import { describeError } from '../errors.js';
import { emit, finishRun, makeEvent, OwnershipLostError, save } from './engine-core.js';
import { listWords } from './describe-run.js';
import { heldBy, stepContext, type RunSession } from './run-session.js';
import type { StepOutcome } from './types.js';

/**
 * After step `failedIndex` failed: undo it, then walk the completed steps backwards (the saga
 * pattern). The failed step is undone too because it may have acted before failing (the
 * Elastic IP moved, then the step's check threw): its undo, like every undo, checks the
 * world and does nothing where nothing happened. A step marked `stop` ends the walk, because
 * undoing it is the greater risk (e.g. moving the Elastic IP back while the old router is
 * already stopped). Resumable: steps already undone are skipped, and an undo re-run after a
 * crash must be idempotent like any step. The outcome always says exactly what is still in
 * effect and how to continue.
 */
export async function undoCompletedSteps<D>(
  session: RunSession<D>,
  failedIndex: number,
): Promise<void> {
  const { core, run, runbook } = session;
  const failed = run.steps[failedIndex];
  const why = failed?.error ?? 'unknown error';
  const failure = `Step "${failed?.title ?? failedIndex}" failed: ${why}.`;
  const finishing = { ...heldBy(session), error: failed?.error };

  if (run.dryRun) {
    await finishRun(
      core,
      run,
      'failed',
      `Dry run: ${failure} Nothing was changed, so nothing was undone.`,
      finishing,
    );
    return;
  }

  let stopReason: string | undefined;
  for (let j = failedIndex; j >= 0; j--) {
    const step = runbook.steps[j];
    const state = run.steps[j];
    if (!step || !state || step.phase === 'plan') continue;
    const isFailedStep = j === failedIndex;
    // The failed step keeps its status (a resumed worker finds the failure by it) and is marked
    // undone apart.
    if (
      isFailedStep ? state.status !== 'failed' || state.undoneAfterFailure : state.status !== 'done'
    )
      continue;
    if (!isFailedStep && step.onLaterFailure === 'stop') {
      stopReason =
        `Stopped before undoing "${step.title}": its ` +
        'runbook says undoing it is riskier than leaving it.';
      break;
    }
    if (!step.undo) continue; // nothing to undo (a check, a wait)
    await emit(
      core,
      run,
      makeEvent(run, 'undo-started', core.clock(), { stepId: step.id, text: step.title }),
    );
    let undone: StepOutcome | void;
    try {
      undone = await step.undo(stepContext(session, step.id, false));
    } catch (err) {
      if (err instanceof OwnershipLostError) throw err;
      core.log.error({ runId: run.id, step: step.id, err }, 'undo failed');
      state.status = 'undo-failed';
      state.error =
        `${isFailedStep && state.error ? `${state.error}; then ` : ''}undo ` +
        `failed: ${describeError(err)}`;
      await save(
        core,
        run,
        [makeEvent(run, 'undo-failed', core.clock(), { stepId: step.id, text: state.error })],
        heldBy(session),
      );
      const why = describeError(err);
      stopReason = `Undoing "${step.title}" failed (${why}), so flatnet stopped undoing.`;
      break;
    }
    if (isFailedStep) state.undoneAfterFailure = true;
    else state.status = 'undone';
    state.finishedAt = core.clock();
    if (undone?.detail !== undefined) state.detail = undone.detail;
    // Saved with the step, so a worker that resumes the undo after a crash still names it.
    if (undone?.kept !== undefined) state.kept = undone.kept;
    await save(
      core,
      run,
      [
        makeEvent(run, 'step-undone', core.clock(), {
          stepId: step.id,
          text: undone?.detail ?? step.title,
        }),
      ],
      heldBy(session),
    );
  }

  // The failed step's own clean-up is shown on its checklist line, not claimed here: it may have
  // found nothing to undo.
  const undone = run.steps.filter((s) => s.status === 'undone').map((s) => `"${s.title}"`);
  const undoneLine = undone.length > 0 ? ` Undid ${listWords(undone.reverse())}.` : '';
  // Everything done and not undone, in the order it was done: what the operator must look at.
  const inEffect = run.steps
    .filter(
      (s, i) =>
        runbook.steps[i]?.phase === 'execute' &&
        (s.status === 'done' || s.status === 'undo-failed'),
    )
    .map((s) => `"${s.title}"`);

  // What the undos left in place on purpose (an AWS object a re-run reuses, a stopped instance).
  const kept = run.steps
    .filter((s) => (s.status === 'undone' || s.undoneAfterFailure) && s.kept)
    .map((s) => s.kept ?? '');
  const keptList = kept.join('; ');

  if (stopReason === undefined) {
    const undoneText =
      kept.length === 0
        ? `Everything this run changed was undone; ${run.target} is as it was before.`
        : `Everything this run changed was undone; kept: ${keptList}.`;
    await finishRun(
      core,
      run,
      'rolled-back',
      `${failure}${undoneLine} ${undoneText} Fix the cause, ` +
        `then ask again with \`${core.describeCommand(run)}\`.`,
      finishing,
    );
    return;
  }
  const remains =
    (inEffect.length > 0 ? ` Still in effect: ${listWords(inEffect)}.` : '') +
    (kept.length > 0 ? ` Kept on purpose: ${keptList}.` : '');
  await finishRun(
    core,
    run,
    'failed',
    `${failure}${undoneLine} ${stopReason}${remains} To continue: check ${run.target} ` +
      'against the steps above, then finish or reverse them by hand, or with a new run.',
    finishing,
  );
}

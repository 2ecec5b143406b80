/**
 * One line of a runbook's checklist: a declared step (its ref: id and result type), its title,
 * what it does and how it is undone, side by side. The step's code sees a context that reads
 * earlier results by ref (`ctx.result(SCALE_STEPS.loadFacts)`), typed and checked, and returns
 * its own result typed by its ref.
 */
import { requireResult, resultIfAny, toJson, type SavedResults, type StepRef } from './step-ref.js';
import type { Step, StepContext, StepOutcome } from './types.js';

export interface TypedStepContext<D> extends StepContext<D> {
  /** The result an earlier step saved, checked against its schema; throws when it is missing. */
  result<R>(ref: StepRef<R>): R;
  /** The same, or undefined when that step saved none (e.g. in the undo of a step that failed). */
  resultIfAny<R>(ref: StepRef<R>): R | undefined;
}

export interface TypedOutcome<R> extends Omit<StepOutcome, 'result'> {
  result?: R;
}

/** What a step does, or how it is undone, given the typed context. */
export type StepAction<D, R = undefined> = (
  ctx: TypedStepContext<D>,
) => Promise<TypedOutcome<R> | void>;

export interface StepSpec<D, R> {
  title: string;
  /** `plan` steps only read the world and run before approval; the default is `execute`. */
  phase?: Step<D>['phase'];
  run: StepAction<D, R>;
  undo?: StepAction<D>;
  onLaterFailure?: Step<D>['onLaterFailure'];
}

export function typedContext<D>(ctx: StepContext<D>): TypedStepContext<D> {
  const results: SavedResults = ctx.results;
  return {
    ...ctx,
    result: (ref) => requireResult(results, ref),
    resultIfAny: (ref) => resultIfAny(results, ref),
  };
}

async function act<D, R>(
  action: StepAction<D, R>,
  ctx: StepContext<D>,
): Promise<StepOutcome | void> {
  const outcome = await action(typedContext(ctx));
  if (!outcome) return;
  const { result, ...rest } = outcome;
  const saved = toJson(result);
  return saved === undefined ? rest : { ...rest, result: saved };
}

export function defineStep<D, R>(ref: StepRef<R>, spec: StepSpec<D, R>): Step<D> {
  const undo = spec.undo;
  return {
    id: ref.id,
    title: spec.title,
    phase: spec.phase ?? 'execute',
    run: (ctx) => act(spec.run, ctx),
    ...(undo ? { undo: (ctx: StepContext<D>) => act(undo, ctx) } : {}),
    ...(spec.onLaterFailure ? { onLaterFailure: spec.onLaterFailure } : {}),
  };
}

import type { Runbook, StepContext } from './types.js';

/**
 * Run a runbook written against its own narrow dependencies (`Runbook<A>`) inside a runtime
 * whose dependencies are a wider shape (`B`): each step sees `pick(deps)`.
 */
export function withDeps<A, B>(runbook: Runbook<A>, pick: (deps: B) => A): Runbook<B> {
  const narrow = (ctx: StepContext<B>): StepContext<A> => ({ ...ctx, deps: pick(ctx.deps) });
  return {
    ...runbook,
    steps: runbook.steps.map((step) => ({
      ...step,
      run: (ctx: StepContext<B>) => step.run(narrow(ctx)),
      ...(step.undo ? { undo: (ctx: StepContext<B>) => step.undo!(narrow(ctx)) } : {}),
    })),
  } as Runbook<B>;
}

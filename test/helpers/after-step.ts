/**
 * Test-only: run `hook(stepId)` right after each step's work and before the engine saves its
 * result, the moment a crash hurts most (the world changed, the record does not know). It is
 * injected by wrapping the runbook handed to the engine, so production steps know nothing of
 * it. A hook that throws fails the step; one that never resolves is a worker frozen there.
 */
import type { Runbook, Step } from '../../src/runbook/types.js';

export type AfterStep = (stepId: string) => Promise<void>;

export function withAfterStep<D>(runbook: Runbook<D>, hook: AfterStep | undefined): Runbook<D> {
  if (!hook) return runbook;
  const wrap = (step: Step<D>): Step<D> => ({
    ...step,
    async run(ctx) {
      const outcome = await step.run(ctx);
      await hook(step.id);
      return outcome;
    },
  });
  return { ...runbook, steps: runbook.steps.map(wrap) };
}

/**
 * A step's id together with the type of the result it saves. Each runbook declares its steps
 * once, as a const object of refs (`SCALE_STEPS`, `FAILOVER_STEPS`, …): its checklist in jobs/,
 * the steps that read an earlier step's result and the plan and summary texts all name a step
 * through that object, so an id is typed once and a saved result is never cast by hand.
 *
 * Results live as JSON in the run record in Redis, written by whichever version of flatnet ran
 * the step. Reading one back goes through the ref's zod schema: a record this version does not
 * understand fails with a flatnet message, not with a TypeError three steps later.
 */
import { z } from 'zod';
import { FlatnetError } from '../errors.js';
import type { Json, Run } from './types.js';

declare const savedResult: unique symbol;

export interface StepRef<R = undefined> {
  readonly id: string;
  /** Checks the saved result when it is read back; absent for a step that saves none. */
  readonly schema: z.ZodType<R> | undefined;
  /** Type only: what the step saves (keeps `StepRef<A>` and `StepRef<B>` apart). */
  readonly [savedResult]?: R;
}

/** A step that saves no result (or none that another step reads). */
export function stepRef(id: string): StepRef<undefined>;
/** A step whose result later steps, the plan or the summary read. */
export function stepRef<R>(id: string, schema: z.ZodType<R>): StepRef<R>;
export function stepRef<R>(id: string, schema?: z.ZodType<R>): StepRef<R> {
  return { id, schema };
}

/**
 * A schema that checks only that the result is an object, for large reports (status, peers)
 * that are shown and never acted on: TypeScript checks their shape where they are written.
 */
export const shapeOf = <R extends object>(): z.ZodType<R> =>
  z.custom<R>((value) => typeof value === 'object' && value !== null);

/** The ids of a runbook's step refs, in declaration order: the order of its checklist. */
export const idsOf = (steps: Record<string, StepRef<unknown>>): string[] =>
  Object.values(steps).map((ref) => ref.id);

export type SavedResults = Readonly<Record<string, Json | undefined>>;

/** A step result as it is saved: plain JSON (what a round trip through Redis leaves of it). */
export function toJson(value: unknown): Json | undefined {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as Json);
}

function check<R>(ref: StepRef<R>, value: Json | undefined): R | undefined {
  if (value === undefined || value === null || !ref.schema) return undefined;
  const parsed = ref.schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new FlatnetError(
    'INTERNAL',
    `the result of step "${ref.id}" in this run's record is not what this version of flatnet ` +
      `reads: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`,
    'this run cannot continue safely: check the target by hand and start a new run',
  );
}

/** The saved result of a step, or undefined when it saved none (an undo of a step that failed). */
export function resultIfAny<R>(results: SavedResults, ref: StepRef<R>): R | undefined {
  return check(ref, results[ref.id]);
}

/** The saved result of an earlier step; a run missing it cannot go on safely. */
export function requireResult<R>(results: SavedResults, ref: StepRef<R>): R {
  const value = resultIfAny(results, ref);
  if (value === undefined)
    throw new FlatnetError(
      'INTERNAL',
      `the result of step "${ref.id}" is missing from this run's record`,
      'this run cannot continue safely: check the target by hand and start a new run',
    );
  return value;
}

/**
 * A step's result as the run record holds it, for the plan, the summary and the lock target.
 * Describing a run never fails: a missing or unreadable result is `undefined`, and the text
 * says less.
 */
export function resultIn<R>(run: Pick<Readonly<Run>, 'steps'>, ref: StepRef<R>): R | undefined {
  try {
    return check(ref, run.steps.find((s) => s.id === ref.id)?.result);
  } catch {
    return undefined;
  }
}

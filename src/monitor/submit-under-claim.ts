/**
 * Asking for a run at most once, across workers that die: the failover of an incident and a
 * router's scale proposal both go through here (jobs/monitor.ts, jobs/monitor-scale.ts).
 *
 * The claim (`SET NX`, src/monitor/monitor-store.ts) names the run id before the submit
 * (`submitting <run id>`), and holds the run id alone once it is recorded. A round seeing
 * `submitting <id>` is never racing the round that claimed it (rounds hold the round lock), so
 * that round died between its claim and recording the run: the same run id is submitted
 * again. The engine makes this idempotent: a run the dead round did create is returned, not
 * created a second time (src/runbook/engine.ts, `SubmitInput.runId`).
 */
import { makeRunId } from '../runbook/make-run-id.js';

/** One claim in the monitor's store, seen from the submit. */
export interface RunClaim {
  /** null: claimed now, for this run id; otherwise what the claim holds. */
  take(runId: string): Promise<string | null>;
  record(runId: string): Promise<void>;
  /** A submission that failed: a later round may ask again. */
  release(): Promise<void>;
}

export type ClaimedSubmit<R extends { id: string }> =
  /** Submitted by this round; `again`: under the id a dead round claimed and never recorded. */
  | { submitted: R; again: boolean }
  /** Submitted and recorded by an earlier round (its worker stopped before saving): follow it. */
  | { adopted: string }
  /** A claim from before run ids were named in it: whether it submitted cannot be known. */
  | { unknown: true };

/**
 * Claims, then submits with the claimed run id and records it. A submit that throws releases
 * the claim and throws on, for the caller to log and report. A record that throws keeps the
 * claim: the run exists, and the next round submits the same id again instead of a second run.
 */
export async function submitUnderClaim<R extends { id: string }>(
  claim: RunClaim,
  submit: (runId: string) => Promise<R>,
): Promise<ClaimedSubmit<R>> {
  const fresh = makeRunId();
  const held = await claim.take(fresh);
  if (held === 'submitting') return { unknown: true };
  const unrecorded = held === null ? undefined : /^submitting (r-\S+)$/.exec(held)?.[1];
  if (held !== null && !unrecorded) return { adopted: held };
  let run: R;
  try {
    run = await submit(unrecorded ?? fresh);
  } catch (err) {
    await claim.release();
    throw err;
  }
  await claim.record(run.id);
  return { submitted: run, again: unrecorded !== undefined };
}

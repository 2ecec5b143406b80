/** How a parsed command becomes a run: the engine's half of the contract with commands/. */
import type { ApprovalPolicy, Json, Run, RunKind, RunOrigin } from './types.js';

export interface SubmitInput {
  kind: RunKind;
  target: string;
  params: Record<string, Json>;
  requester: string;
  origin: RunOrigin;
  dryRun: boolean;
  approval?: Omit<ApprovalPolicy, 'expiresAt'> & { expiresInMs: number };
  /**
   * The run's id, chosen by the caller (`makeRunId()`) so that asking again is safe: a submit
   * whose id names an existing run of the same kind, target and requester returns that run
   * (queued again if it never was) instead of creating a second one. The monitor records the
   * id in its claim before submitting, so a round re-run after its worker died re-submits the
   * same run.
   */
  runId?: string;
}

/** The part of the engine a command handler may use: record and enqueue, nothing else. */
export interface RunSubmitter {
  submit(input: SubmitInput): Promise<Run>;
}

export type PlannedRun = Omit<SubmitInput, 'requester' | 'origin'>;

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
}

/** The part of the engine a command handler may use: record and enqueue, nothing else. */
export interface RunSubmitter {
  submit(input: SubmitInput): Promise<Run>;
}

export type PlannedRun = Omit<SubmitInput, 'requester' | 'origin'>;

/** How a parsed command becomes a run: the contract between commands/ and the runbooks in jobs/. */
import type { Inventory } from '../config/inventory-schema.js';
import type { Command } from '../grammar/command.js';
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

/**
 * Per-kind checks and parameters for a command that starts a run. Each runbook in jobs/
 * exports one; it validates against the inventory and the caller's rights and may throw a
 * FlatnetError whose message and hint go back to the person who typed the command.
 */
export interface RunRequestPlanner {
  plan(
    command: Command,
    ctx: { inventory: Inventory; requester: string },
  ): Promise<PlannedRun> | PlannedRun;
}

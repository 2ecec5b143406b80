/**
 * The vocabulary of runs, shared by the engine (src/runbook), the runbooks (jobs/), the
 * reporters (src/slack, the CLI) and the commands. See DESIGN.md section 4.
 */
import type { Logger } from '../log.js';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export type RunKind =
  | 'status'
  | 'reach'
  | 'router-status'
  | 'history'
  | 'scaleup'
  | 'scaledown'
  | 'failover'
  | 'failback'
  | 'add-peer'
  | 'remove-peer'
  | 'peers'
  | 'reissue-peer'
  | 'attach-vpc'
  | 'sync-standby'
  | 'policy-show'
  | 'policy-diff'
  | 'policy-apply';

export type RunStatus =
  | 'planning'
  | 'awaiting-approval'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'rejected'
  | 'expired'
  | 'rolled-back'
  | 'cancelled';

export const FINAL_STATUSES: readonly RunStatus[] = [
  'succeeded',
  'failed',
  'rejected',
  'expired',
  'rolled-back',
  'cancelled',
];

export type StepStatus =
  'pending' | 'running' | 'done' | 'failed' | 'skipped' | 'undone' | 'undo-failed';

export interface StepState {
  id: string;
  title: string;
  status: StepStatus;
  startedAt?: number;
  finishedAt?: number;
  /** What the step returned: facts later steps read. Never a secret. */
  result?: Json;
  /** One short line for the checklist ("i-0abc launched as c5.xlarge"). */
  detail?: string;
  error?: string;
  /** Set by an undo that left something in place on purpose: named in the run's outcome. */
  kept?: string;
  /** A failed step whose own undo has run (it may have acted before it failed). */
  undoneAfterFailure?: boolean;
}

export interface Decision {
  user: string;
  decision: 'approved' | 'rejected';
  at: number;
}

/** Where a run was asked for, and so where its thread lives. */
export interface RunOrigin {
  kind: 'slack' | 'cli';
  channel: string;
  /** The run's root message in the channel, once posted: the thread hangs off it. */
  rootTs?: string;
  responseUrl?: string;
}

export interface ApprovalPolicy {
  /** Slack user ids allowed to approve (groups already expanded). */
  approvers: string[];
  distinctApprovers: number;
  allowSelfApproval: boolean;
  expiresAt: number;
  /** Who the approvers are, in words, for refusals ("network-oncall"). Optional, additive. */
  approversLabel?: string;
}

export interface Run {
  id: string;
  kind: RunKind;
  /** The router, region, peer or VPC the run acts on; `*` for fleet-wide reads. */
  target: string;
  params: Record<string, Json>;
  requester: string;
  origin: RunOrigin;
  status: RunStatus;
  dryRun: boolean;
  createdAt: number;
  updatedAt: number;
  steps: StepState[];
  /** Index of the first unfinished step: where a resumed worker starts. */
  cursor: number;
  /** The concrete plan shown in the approval prompt: lines of mrkdwn-free text. */
  plan?: string[];
  approval?: ApprovalPolicy;
  decisions: Decision[];
  /** The final word, shown in the summary and by `flatnet run`. */
  outcome?: string;
  error?: string;
}

export type RunEventType =
  | 'created'
  | 'planned'
  | 'awaiting-approval'
  | 'approved'
  | 'rejected'
  | 'expired'
  | 'started'
  | 'step-started'
  | 'step-finished'
  | 'step-failed'
  | 'undo-started'
  | 'step-undone'
  | 'undo-failed'
  | 'note'
  | 'finished';

export interface RunEvent {
  type: RunEventType;
  runId: string;
  at: number;
  stepId?: string;
  user?: string;
  text?: string;
}

/** What a step sees. Dependencies (routers, cloud, clock) come in `deps`, never imported. */
export interface StepContext<D> {
  run: Readonly<Run>;
  deps: D;
  log: Logger;
  /** Results of the steps already done, by step id. */
  results: Readonly<Record<string, Json | undefined>>;
  dryRun: boolean;
  /**
   * No worker started this step before (it was pending): its act cannot have happened yet, so
   * a step may skip the look at the world that only guards a repeat. False when the step is
   * resumed after a worker died in it, and in undos.
   */
  firstAttempt: boolean;
  /** A progress line in the thread, e.g. "waiting for tunnels: 3/5 up". */
  note(text: string): Promise<void>;
  /**
   * Throws unless this worker still holds the run and the target's lock: call before an
   * irreversible act.
   */
  assertStillOwner(): Promise<void>;
}

export interface StepOutcome {
  result?: Json;
  detail?: string;
  /**
   * Undo only: what the undo deliberately left in place and why, e.g. "VPN connection vpn-1
   * (a re-run reuses it)". The outcome names it, so "everything was undone" is never a lie.
   */
  kept?: string;
}

export interface Step<D> {
  id: string;
  title: string;
  /** `plan` steps only read the world; they run before approval and build the plan. */
  phase: 'plan' | 'execute';
  run(ctx: StepContext<D>): Promise<StepOutcome | void>;
  undo?(ctx: StepContext<D>): Promise<StepOutcome | void>;
  /**
   * When a later step fails: undo this one (default), or stop and ask, where undo is the greater
   * risk.
   */
  onLaterFailure?: 'undo' | 'stop';
}

export interface Runbook<D> {
  kind: RunKind;
  steps: Step<D>[];
  /** The router this run changes, locked for the run's duration. */
  lockTarget?(run: Readonly<Run>): string | undefined;
  /**
   * The other routers this run changes, read when it starts executing (after its plan): each
   * one's lease is held for the run, all or none, besides lockTarget's. A run that finds one
   * of them held waits for it (re-queued like `whenBusy: 'wait'`), whatever whenBusy says: the
   * other run is a failover or an add-peer that will end, and the plan was already approved.
   */
  alsoLocks?(run: Readonly<Run>): string[];
  /**
   * When the target is held by another run: `fail` (default) refuses at submit and fails at
   * start; `wait` queues behind the holder (the job is re-queued with a delay, without using
   * an attempt). Onboarding waits: twenty people adding peers at once must all get one.
   */
  whenBusy?: 'fail' | 'wait';
  /** Plan lines for the approval prompt, from the plan steps' results. */
  describePlan?(run: Readonly<Run>): string[];
  /** The final summary line. */
  summarize?(run: Readonly<Run>): string;
}

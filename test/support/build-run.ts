/**
 * A run record as the engine stores it, for tests that render, report or read runs without
 * running one: every field a Run must have, with plain defaults (a scale-up of hub-tokyo-a
 * asked in Slack by U0ALICE, planning, no steps); a test names only what it is about.
 */
import type { SubmitInput } from '../../src/runbook/run-request.js';
import type { Run, StepState } from '../../src/runbook/types.js';

export function buildRun(overrides: Partial<Run> = {}): Run {
  return {
    id: 'r-7k2m9q',
    kind: 'scaleup',
    target: 'hub-tokyo-a',
    params: {},
    requester: 'U0ALICE',
    origin: { kind: 'slack', channel: 'C0OPS' },
    status: 'planning',
    dryRun: false,
    createdAt: 0,
    updatedAt: 0,
    steps: [],
    cursor: 0,
    decisions: [],
    ...overrides,
  };
}

/** `count` pending steps `s0`, `s1`, … titled "Step 0", "Step 1", …. */
export const pendingSteps = (count: number): StepState[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `s${i}`,
    title: `Step ${i}`,
    status: 'pending' as const,
  }));

/**
 * What Alice submits from the command line (reported in C0NETOPS): a scale-up of hub-tokyo-a
 * unless the test says otherwise; `{ approval: BOB_APPROVES }` makes it wait for Bob.
 */
export function buildRunRequest(overrides: Partial<SubmitInput> = {}): SubmitInput {
  return {
    kind: 'scaleup',
    target: 'hub-tokyo-a',
    params: {},
    requester: 'U0ALICE',
    origin: { kind: 'cli', channel: 'C0NETOPS' },
    dryRun: false,
    ...overrides,
  };
}

/** Bob alone approves, within a minute; Alice may not approve her own run. */
export const BOB_APPROVES: NonNullable<SubmitInput['approval']> = {
  approvers: ['U0BOB'],
  distinctApprovers: 1,
  allowSelfApproval: false,
  expiresInMs: 60_000,
};

/**
 * `/vpn policy apply [--dry-run]`: make every router run the traffic policy of the inventory
 * (docs/traffic-policy.md). The approver sees each router's change; every router takes it with
 * commit-confirm, verified before `confirm`; all or nothing — a router that refuses puts the
 * ones already changed back as they were. A policy that would cut flatnet's own SSH to a router
 * is refused before anyone is asked.
 */
import { applyPolicy, undoApplyPolicy, verifyPolicy } from '../src/policy/steps/apply-policy.js';
import { planPolicyStep } from '../src/policy/steps/plan-policy-step.js';
import { describePolicyChanges } from '../src/policy/describe-policy.js';
import { POLICY_APPLY_STEPS as S, type PolicyDeps } from '../src/policy/policy-steps.js';
import { defineStep } from '../src/runbook/define-step.js';
import { requireResult, resultIn } from '../src/runbook/step-ref.js';
import type { Run, Runbook } from '../src/runbook/types.js';

export function createPolicyApplyRunbook(): Runbook<PolicyDeps> {
  return {
    kind: 'policy-apply',
    steps: [
      // Plan: every router and EC2 read; refused if a router is unreadable or SSH would be cut.
      defineStep(S.plan, {
        title: 'Read every router, render the policy for it, compare',
        phase: 'plan',
        run: planPolicyStep,
      }),
      defineStep(S.apply, {
        title: 'Apply on every router (commit-confirm, verify, confirm, save; all or nothing)',
        run: applyPolicy,
        undo: undoApplyPolicy,
      }),
      defineStep(S.verify, {
        title: 'Check every router runs the policy',
        run: verifyPolicy,
      }),
    ],
    // One policy change at a time (a second apply is told who holds it) ...
    lockTarget: () => 'traffic-policy',
    // ... and every router it commits to held for the run, so a failover, a scale-up or an
    // add-peer never changes one beside it: the apply waits for a busy router, then holds
    // them all. A pair's primary name is also the lease its failover and scale-up take.
    // An unreadable plan is an error, not "no routers": it would hold none of them.
    alsoLocks: (run) =>
      requireResult(Object.fromEntries(run.steps.map((s) => [s.id, s.result])), S.plan)
        .routers.filter((r) => r.changes.length > 0)
        .map((r) => r.router),
    describePlan: describeApplyPlan,
    summarize: summarizeApply,
  };
}

function describeApplyPlan(run: Readonly<Run>): string[] {
  const plan = resultIn(run, S.plan);
  if (!plan) return ['policy apply: the routers could not be read'];
  const changing = plan.routers.filter((r) => r.changes.length > 0);
  return [
    `Apply the traffic policy (${plan.rules} rules) on ${changing.length} of ` +
      `${plan.routers.length} routers:`,
    ...describePolicyChanges(changing),
    'Each router rolls back by itself unless flatnet confirms after checking it; if one ' +
      'refuses, the ones already changed are put back.',
    ...(run.dryRun ? ['Dry run: compared on each router and discarded.'] : []),
  ];
}

function summarizeApply(run: Readonly<Run>): string {
  const plan = resultIn(run, S.plan);
  const applied = resultIn(run, S.apply);
  if (!plan) return 'policy apply finished';
  const changing = plan.routers.filter((r) => r.changes.length > 0).length;
  if (run.dryRun)
    return changing === 0
      ? 'Dry run: every router runs the policy already; nothing would change.'
      : `Dry run: ${changing} routers would change. Nothing was changed.`;
  if (changing === 0) return 'Every router runs the policy already; nothing changed.';
  return (
    `The traffic policy runs on every router: ${applied?.routers.length ?? 0} changed with ` +
    'commit-confirm, verified and saved.'
  );
}

export const policyApplyRunbook = createPolicyApplyRunbook();

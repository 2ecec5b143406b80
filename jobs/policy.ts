/**
 * `/vpn policy show | diff | apply`: how each becomes a run. `show` reads the inventory alone
 * (the rules as a table); `diff` reads every router and EC2 and says what would change on each
 * (read-only, no approval); `apply` is the runbook of jobs/policy-apply.ts, with approval
 * (`policies.traffic-policy`, else `policies.failover`: a policy can cut any path, as a
 * failover can), refused at once when it would cut flatnet's own SSH to a router.
 */
import { resolvePolicy } from '../src/config/resolve-policy.js';
import { readTrafficPolicy } from '../src/config/traffic-policy.js';
import { BadInputError, FlatnetError } from '../src/errors.js';
import type { RunRequestPlanner } from '../src/grammar/run-request-planner.js';
import { describePolicyChanges, describePolicyRules } from '../src/policy/describe-policy.js';
import { sshCuts } from '../src/policy/plan-policy.js';
import { planPolicyStep } from '../src/policy/steps/plan-policy-step.js';
import { POLICY_APPLY_STEPS, type PolicyDeps } from '../src/policy/policy-steps.js';
import { defineStep } from '../src/runbook/define-step.js';
import { resultIn, stepRef } from '../src/runbook/step-ref.js';
import type { Runbook } from '../src/runbook/types.js';
import { z } from 'zod';

export const POLICY_SHOW_STEPS = { show: stepRef('show-policy', z.array(z.string())) } as const;

export function createPolicyShowRunbook(): Runbook<PolicyDeps> {
  return {
    kind: 'policy-show',
    steps: [
      defineStep(POLICY_SHOW_STEPS.show, {
        title: 'Read the traffic policy from the inventory',
        run: async (ctx) => {
          const lines = describePolicyRules(readTrafficPolicy(ctx.deps.inventory));
          return Promise.resolve({ result: lines });
        },
      }),
    ],
    summarize: (run) => (resultIn(run, POLICY_SHOW_STEPS.show) ?? []).join('\n'),
  };
}

export function createPolicyDiffRunbook(): Runbook<PolicyDeps> {
  return {
    kind: 'policy-diff',
    steps: [
      defineStep(POLICY_APPLY_STEPS.plan, {
        title: 'Read every router, render the policy for it, compare',
        run: planPolicyStep,
      }),
    ],
    summarize(run) {
      const plan = resultIn(run, POLICY_APPLY_STEPS.plan);
      if (!plan) return 'nothing compared';
      const changing = plan.routers.filter((r) => r.changes.length > 0);
      if (changing.length === 0) return 'Every router runs the traffic policy of the inventory.';
      return [
        `${changing.length} of ${plan.routers.length} routers differ from the policy ` +
          '(/vpn policy apply to change them):',
        ...describePolicyChanges(plan.routers),
      ].join('\n');
    },
  };
}

export const policyPlanner: RunRequestPlanner = {
  plan(command, { inventory, requester }) {
    if (command.kind !== 'policy')
      throw new FlatnetError(
        'INTERNAL',
        `the policy planner was given a ${command.kind} command`,
        'this is a flatnet bug in the command wiring',
      );
    if (command.action !== 'apply')
      return { kind: `policy-${command.action}`, target: '*', params: {}, dryRun: false };
    const policy = readTrafficPolicy(inventory);
    const cuts = policy ? sshCuts(inventory, policy) : [];
    if (cuts.length > 0)
      throw new BadInputError(
        `/vpn policy apply refused: ${cuts.join('; ')}`,
        'flatnet must keep reaching every router to verify, confirm and undo',
      );
    const kind = inventory.policies['traffic-policy'] ? 'traffic-policy' : 'failover';
    const { approval } = resolvePolicy(inventory, kind, requester);
    return {
      kind: 'policy-apply',
      target: '*',
      params: {},
      dryRun: command.dryRun,
      ...(approval ? { approval } : {}),
    };
  },
};

/**
 * The plan of `/vpn policy apply` (and all of `/vpn policy diff`): every router and EC2 read as
 * `/vpn reach` reads them, the policy rendered for each router's interfaces, the change from
 * what it runs. Refused here, before anyone is asked to approve, when a router cannot be read
 * (a policy on some routers only would leave the network half-changed) or when the policy
 * would cut flatnet's own SSH to a router.
 */
import { BadInputError } from '../../errors.js';
import { readReachState } from '../../reach/read-reach-state.js';
import type { StepAction } from '../../runbook/define-step.js';
import { planPolicy } from '../plan-policy.js';
import type { PolicyDeps, PolicyPlanFacts } from '../policy-steps.js';

export const planPolicyStep: StepAction<PolicyDeps, PolicyPlanFacts> = async (ctx) => {
  const state = await readReachState(ctx.deps);
  const plan = planPolicy(ctx.deps.inventory, state);
  if (plan.refusals.length > 0)
    throw new BadInputError(
      `the traffic policy cannot be applied: ${plan.refusals.join('; ')}`,
      'fix the inventory (traffic:) or the router, then ask again: /vpn policy diff',
    );
  const routers = plan.routers.map((r) => ({
    router: r.router,
    changes: r.changes,
    before: r.before,
  }));
  const changing = routers.filter((r) => r.changes.length > 0);
  return {
    result: { rules: plan.policy?.rules.length ?? 0, routers },
    detail:
      changing.length === 0
        ? 'every router already runs the policy'
        : changing.map((r) => `${r.router}: ${r.changes.length} lines`).join(', '),
  };
};

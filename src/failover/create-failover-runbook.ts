/**
 * `/router failover <primary>` and `/router failback <primary>`: one runbook, two directions.
 *
 *   plan:    check-standby (failover) | check-primary (failback)
 *   execute: move-elastic-ip → bring-tunnels-up → repoint-routes → verify
 *
 * The order keeps the outage to the Elastic IP move plus tunnel re-establishment: the warm
 * standby already carries the tunnels' configuration, so the Elastic IP moves first, the
 * routes move only once its tunnels are up (moving them first would black-hole traffic for
 * the whole re-establishment), and nothing is stopped: the primary may be broken, and it is
 * what a failback returns to. The steps are the scale-up's cutover steps, over a from/to
 * resolved from the plan step; each checks the world before acting and undoes in reverse.
 */
import type { Runbook } from '../runbook/types.js';
import { createBringTunnelsUpStep } from '../scaleup/steps/bring-tunnels-up.js';
import { createMoveElasticIpStep } from '../scaleup/steps/move-elastic-ip.js';
import { createRepointRoutesStep } from '../scaleup/steps/repoint-routes.js';
import { createVerifyCutoverStep } from '../scaleup/steps/verify-new-router.js';
import { describeFailoverPlan, factsOfRun, summarizeFailoverRun } from './describe-failover.js';
import { failoverCutover } from './failover-cutover.js';
import type { FailoverDeps } from './failover-deps.js';
import type { FailoverDirection } from './failover-facts.js';
import { checkReceivingRouterStep } from './steps/check-receiving-router.js';

export function createFailoverRunbook(direction: FailoverDirection): Runbook<FailoverDeps> {
  const cutover = failoverCutover(direction);
  const receiver = direction === 'failover' ? 'the standby' : 'the primary';
  return {
    kind: direction,
    steps: [
      checkReceivingRouterStep(direction),
      createMoveElasticIpStep<FailoverDeps>({
        title: `Move the Elastic IP to ${receiver}`,
        cutover,
      }),
      createBringTunnelsUpStep<FailoverDeps>({
        title: `Bring the tunnels up on ${receiver}`,
        cutover,
      }),
      createRepointRoutesStep<FailoverDeps>({
        title: `Repoint the VPC routes to ${receiver}`,
        cutover,
      }),
      createVerifyCutoverStep<FailoverDeps>({
        title: `Verify ${receiver} carries the traffic`,
        cutover,
      }),
    ],
    // The pair is locked by its primary's name, which is the target of both verbs: every run
    // that moves the pair's traffic (scaleup, scaledown, failover, failback) locks that name,
    // and the planners refuse a standby as target, so two of them never interleave. The engine
    // holds one lease per run; a config-only run naming the standby itself (add-peer
    // --router <standby>) is serialized with this one by the router pool's per-router session.
    lockTarget: (run) => run.target,
    describePlan(run) {
      const facts = factsOfRun(run);
      return facts
        ? describeFailoverPlan(facts, run.dryRun)
        : [`${run.kind} ${run.target}: the health check could not be read`];
    },
    summarize: summarizeFailoverRun,
  };
}

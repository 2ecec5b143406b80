/**
 * `/router failover <primary>` and `/router failback <primary>`: one runbook, two directions.
 *
 * The order keeps the outage to the Elastic IP move plus tunnel re-establishment: the warm
 * standby already carries the tunnels' configuration, so the Elastic IP moves first, then the
 * routes (moving them before the Elastic IP would cut a giver that still forwards) and the
 * re-keying go out together, and nothing is stopped: the primary may be broken, and it is
 * what a failback returns to. The cutover steps are the scale-up's (src/cutover), over a
 * from/to resolved from the plan step; each checks the world before acting.
 */
import { bringTunnelsUp } from '../src/cutover/bring-tunnels-up.js';
import { moveElasticIp, moveElasticIpBack } from '../src/cutover/move-elastic-ip.js';
import { repointRoutes, repointRoutesBack } from '../src/cutover/repoint-routes.js';
import { verifyCutover } from '../src/cutover/verify-cutover.js';
import {
  describeFailoverPlan,
  factsOfRun,
  summarizeFailoverRun,
} from '../src/failover/describe-failover.js';
import { failoverCutover } from '../src/failover/failover-cutover.js';
import type { FailoverDeps } from '../src/failover/failover-deps.js';
import { failoverPlanner } from '../src/failover/failover-planner.js';
import {
  FAILOVER_STEPS as S,
  planStepOf,
  type FailoverDirection,
} from '../src/failover/failover-steps.js';
import { checkReceivingRouter } from '../src/failover/steps/check-receiving-router.js';
import { defineStep } from '../src/runbook/define-step.js';
import type { Runbook } from '../src/runbook/types.js';

export function createFailoverRunbook(direction: FailoverDirection): Runbook<FailoverDeps> {
  const cutover = failoverCutover(direction);
  const [receiverRole, receiver] =
    direction === 'failover' ? ['standby', 'the standby'] : ['primary', 'the primary'];
  return {
    kind: direction,
    steps: [
      // Plan: refuses, before anyone approves, a receiver that would cut tunnels.
      defineStep(planStepOf(direction), {
        title:
          `Health-check the ${receiverRole}; read the ` +
          `Elastic IP, the routes and both routers' tunnels`,
        phase: 'plan',
        run: checkReceivingRouter(direction),
      }),
      // The cutover: the outage starts with the Elastic IP move and ends when the tunnels are up.
      defineStep(S.moveElasticIp, {
        title: `Move the Elastic IP to ${receiver}`,
        run: moveElasticIp(cutover),
        undo: moveElasticIpBack(cutover),
      }),
      // In the same moment: every route in one EC2 round, and the re-keying of the tunnels.
      defineStep(S.repointRoutes, {
        title: `Repoint the VPC routes to ${receiver} and re-key its tunnels`,
        run: repointRoutes(cutover),
        undo: repointRoutesBack(cutover),
      }),
      defineStep(S.bringTunnelsUp, {
        title: `Wait for the tunnels on ${receiver}`,
        run: bringTunnelsUp(cutover),
      }),
      defineStep(S.verify, {
        title: `Verify ${receiver} carries the traffic`,
        run: verifyCutover(cutover),
        onLaterFailure: 'stop',
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

export const failoverRunbook = createFailoverRunbook('failover');
export const failbackRunbook = createFailoverRunbook('failback');
export const failoverCommandPlanner = failoverPlanner('failover');
export const failbackCommandPlanner = failoverPlanner('failback');

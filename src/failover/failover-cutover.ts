/**
 * The failover's cutover: from the router giving up the traffic to the one the plan step
 * health-checked.
 */
import type { Cutover, CutoverSide, ResolveCutover } from '../cutover/cutover.js';
import type { FailoverDeps } from './failover-deps.js';
import { planStepOf, type FailoverDirection, type RouterSideFacts } from './failover-steps.js';

export function failoverCutover(direction: FailoverDirection): ResolveCutover<FailoverDeps> {
  const planStep = planStepOf(direction);
  return (ctx): Cutover => {
    const facts = ctx.result(planStep);
    const side = (s: RouterSideFacts): CutoverSide => ({
      label: s.router,
      instanceId: s.instanceId,
      networkInterfaceId: s.networkInterfaceId,
      client: () => ctx.deps.routers.router(s.router),
    });
    return {
      region: facts.region,
      elasticIp: {
        allocationId: facts.elasticIp.allocationId,
        publicIp: facts.elasticIp.publicIp,
        ...(facts.elasticIp.readAt !== undefined
          ? {
              seen: {
                networkInterfaceId: facts.elasticIp.holderInterfaceId,
                at: facts.elasticIp.readAt,
              },
            }
          : {}),
      },
      routes: facts.routes,
      from: side(facts.from),
      to: side(facts.to),
      giverUnreachable: !facts.from.readable,
      expectedSas: facts.expectedSas,
      expectedBgp: facts.expectedBgp,
    };
  };
}

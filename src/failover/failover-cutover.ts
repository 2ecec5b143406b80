/** The failover's cutover: from the router giving up the traffic to the one the plan step health-checked. */
import type { Cutover, CutoverSide, ResolveCutover } from '../scaleup/cutover.js';
import { resultOf } from '../scaleup/scale-facts.js';
import type { FailoverDeps } from './failover-deps.js';
import {
  planStepIdOf,
  type FailoverDirection,
  type FailoverFacts,
  type RouterSideFacts,
} from './failover-facts.js';

export function failoverCutover(direction: FailoverDirection): ResolveCutover<FailoverDeps> {
  const planStepId = planStepIdOf(direction);
  return (ctx): Cutover => {
    const facts = resultOf<FailoverFacts>(ctx.results, planStepId);
    const side = (s: RouterSideFacts): CutoverSide => ({
      label: s.router,
      instanceId: s.instanceId,
      networkInterfaceId: s.networkInterfaceId,
      client: () => ctx.deps.routers.router(s.router),
    });
    return {
      region: facts.region,
      elasticIp: { allocationId: facts.elasticIp.allocationId, publicIp: facts.elasticIp.publicIp },
      routes: facts.routes,
      from: side(facts.from),
      to: side(facts.to),
      expectedSas: facts.expectedSas,
      expectedBgp: facts.expectedBgp,
    };
  };
}

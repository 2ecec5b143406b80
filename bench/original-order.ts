/**
 * The original auto scale-up's order, rebuilt from flatnet's own steps for the benchmark
 * only: launch, point the VPC routes at the new instance at once (while it still boots),
 * wait, disable source/dest check, move the Elastic IP last, `restart vpn` last, stop the
 * old router. Traffic is black-holed from the route change until the VPN is back, which is
 * the outage flatnet's order removes. Never registered as a runbook.
 */
import { createFailoverRunbook } from '../jobs/failover.js';
import { createScaleRunbook } from '../jobs/scaleup.js';
import type { FailoverDeps } from '../src/failover/failover-deps.js';
import { FAILOVER_STEPS as F } from '../src/failover/failover-steps.js';
import { defineStep } from '../src/runbook/define-step.js';
import { stepRef } from '../src/runbook/step-ref.js';
import type { Step } from '../src/runbook/types.js';
import type { ScaleDeps } from '../src/scaleup/scale-deps.js';
import { SCALE_STEPS as S } from '../src/scaleup/scale-steps.js';

/**
 * The original pointed the routes at the instance right after RunInstances: its interface exists
 * while it is pending.
 */
const repointRoutesAtOnce = defineStep<ScaleDeps, undefined>(stepRef(S.repointRoutes.id), {
  title: 'Point the VPC routes at the new instance (original order: before it runs)',
  async run(ctx) {
    const facts = ctx.result(S.loadFacts);
    const launch = ctx.result(S.launch);
    const pending = await ctx.deps.cloud.describeInstance(facts.region, launch.instanceId!);
    for (const route of facts.routes)
      await ctx.deps.cloud.replaceRoute(facts.region, {
        ...route,
        networkInterfaceId: pending.networkInterfaceId,
      });
    return { detail: `${facts.routes.length} routes to ${pending.networkInterfaceId}` };
  },
});

export function originalOrderSteps(direction: 'up' | 'down' = 'up'): Step<ScaleDeps>[] {
  const flatnet = createScaleRunbook(direction).steps;
  const step = (id: string): Step<ScaleDeps> => flatnet.find((s) => s.id === id)!;
  return [
    step(S.loadFacts.id),
    step(S.launch.id),
    repointRoutesAtOnce,
    step(S.waitRunning.id),
    step(S.disableSourceDestCheck.id),
    // The original's AMI already carried the configuration; flatnet's simulator needs the
    // copy, and it sits where it changes nothing: traffic is already black-holed here.
    step(S.copyConfig.id),
    step(S.moveElasticIp.id),
    step(S.bringTunnelsUp.id),
    step(S.stopOldRouter.id),
  ];
}

/**
 * The original failover's order (DESIGN.md §5, as the HA-NAT script and the original runbook
 * did it): after the health check, every route to the primary goes to the standby, one
 * ReplaceRoute after another, then the Elastic IP moves, then the VPN restarts on the standby.
 * Traffic is black-holed from the first route until the tunnels are back.
 */
export function originalFailoverSteps(): Step<FailoverDeps>[] {
  const flatnet = createFailoverRunbook('failover').steps;
  const step = (id: string): Step<FailoverDeps> => flatnet.find((s) => s.id === id)!;
  const repointOneByOne = defineStep<FailoverDeps, undefined>(stepRef(F.repointRoutes.id), {
    title: 'Repoint the VPC routes to the standby, one after another (original order: first)',
    async run(ctx) {
      const facts = ctx.result(F.checkStandby);
      for (const route of facts.routes)
        await ctx.deps.cloud.replaceRoute(facts.region, {
          ...route,
          networkInterfaceId: facts.to.networkInterfaceId,
        });
      return { detail: `${facts.routes.length} routes to ${facts.to.networkInterfaceId}` };
    },
  });
  return [
    step(F.checkStandby.id),
    repointOneByOne,
    step(F.moveElasticIp.id),
    // No re-keying recorded by the repoint above: this step resets IPsec itself, then waits.
    step(F.bringTunnelsUp.id),
  ];
}

/**
 * The original auto scale-up's order, rebuilt from flatnet's own steps for the benchmark
 * only: launch, point the VPC routes at the new instance at once (while it still boots),
 * wait, disable source/dest check, move the Elastic IP last, `restart vpn` last, stop the
 * old router. Traffic is black-holed from the route change until the VPN is back, which is
 * the outage flatnet's order removes. Never registered as a runbook.
 */
import { createScaleRunbook } from '../jobs/scaleup.js';
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

/**
 * The original auto scale-up's order, rebuilt from flatnet's own steps for the benchmark
 * only: launch, point the VPC routes at the new instance at once (while it still boots),
 * wait, disable source/dest check, move the Elastic IP last, `restart vpn` last, stop the
 * old router. Traffic is black-holed from the route change until the VPN is back, which is
 * the outage flatnet's order removes. Never registered as a runbook.
 */
import type { Step } from '../runbook/types.js';
import { loadFactsStep } from './steps/load-facts.js';
import { bringTunnelsUpStep } from './steps/bring-tunnels-up.js';
import { copyConfigStep } from './steps/copy-config.js';
import {
  disableSourceDestCheckStep,
  launchStep,
  waitRunningStep,
} from './steps/launch-instance.js';
import { moveElasticIpStep } from './steps/move-elastic-ip.js';
import { stopOldRouterStep } from './steps/stop-old-router.js';
import { resultOf, type LaunchResult, type LoadFactsResult } from './scale-facts.js';
import type { ScaleDeps } from './scale-deps.js';

/** The original pointed the routes at the instance right after RunInstances: its interface exists while it is pending. */
const repointRoutesAtOnce: Step<ScaleDeps> = {
  id: 'repoint-routes',
  title: 'Point the VPC routes at the new instance (original order: before it runs)',
  phase: 'execute',
  async run(ctx) {
    const facts = resultOf<LoadFactsResult>(ctx.results, 'load-facts');
    const launch = resultOf<LaunchResult>(ctx.results, 'launch');
    const pending = await ctx.deps.cloud.describeInstance(facts.region, launch.instanceId!);
    for (const route of facts.routes)
      await ctx.deps.cloud.replaceRoute(facts.region, {
        ...route,
        networkInterfaceId: pending.networkInterfaceId,
      });
    return { detail: `${facts.routes.length} routes to ${pending.networkInterfaceId}` };
  },
};

export function originalOrderSteps(direction: 'up' | 'down' = 'up'): Step<ScaleDeps>[] {
  return [
    loadFactsStep(direction),
    launchStep,
    repointRoutesAtOnce,
    waitRunningStep,
    disableSourceDestCheckStep,
    // The original's AMI already carried the configuration; flatnet's simulator needs the
    // copy, and it sits where it changes nothing: traffic is already black-holed here.
    copyConfigStep,
    moveElasticIpStep,
    bringTunnelsUpStep,
    stopOldRouterStep,
  ];
}

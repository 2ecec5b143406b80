/**
 * Execute step 8: look at the world as it is now, not as the earlier steps said it would be:
 * the new instance runs and forwards, holds the Elastic IP, the routes point at it, and its
 * tunnels are up. Any gap fails the step, and the engine undoes the cutover.
 */
import { FlatnetError } from '../../errors.js';
import type { Step } from '../../runbook/types.js';
import { newInstanceOf, resultOf, type CopyConfigResult, type LoadFactsResult, type RepointResult } from '../scale-facts.js';
import type { ScaleDeps } from '../scale-deps.js';
import { countTunnels } from './bring-tunnels-up.js';
import { newRouterClient } from './new-router-client.js';
import { routeTargets } from './repoint-routes.js';

export const verifyStep: Step<ScaleDeps> = {
  id: 'verify',
  title: 'Verify the new router carries the traffic',
  phase: 'execute',
  // Once verified, the new router carries the traffic: if only stopping the old one fails,
  // moving everything back would be a second outage for nothing. Stop and report instead.
  onLaterFailure: 'stop',
  async run(ctx) {
    if (ctx.dryRun) return { detail: 'dry run: nothing to verify' };
    const facts = resultOf<LoadFactsResult>(ctx.results, 'load-facts');
    const copied = resultOf<CopyConfigResult>(ctx.results, 'copy-config');
    const repointed = resultOf<RepointResult>(ctx.results, 'repoint-routes');
    const fresh = newInstanceOf(ctx.results);
    const { cloud } = ctx.deps;
    const [instance, address, targets, tunnels] = await Promise.all([
      cloud.describeInstance(facts.region, fresh.instanceId),
      cloud.describeAddress(facts.region, facts.elasticIp.allocationId),
      routeTargets(ctx, facts),
      countTunnels(newRouterClient(ctx), copied.expectedSas, copied.expectedBgp),
    ]);
    const problems: string[] = [];
    if (instance.state !== 'running') problems.push(`${fresh.instanceId} is ${instance.state}`);
    if (instance.sourceDestCheck) problems.push(`source/dest check is on for ${fresh.instanceId}`);
    if (address.networkInterfaceId !== fresh.networkInterfaceId) problems.push(`${facts.elasticIp.publicIp} is on ${address.networkInterfaceId ?? 'nothing'}`);
    const astray = repointed.repointed.filter((moved) => [...targets].some(([ref, target]) => ref.routeTableId === moved.routeTableId && ref.destination === moved.destination && target !== fresh.networkInterfaceId));
    if (astray.length > 0) problems.push(`${astray.length} routes no longer go to ${fresh.networkInterfaceId} (${astray.map((r) => `${r.routeTableId} ${r.destination}`).join(', ')})`);
    if (tunnels.sasDown.length > 0) problems.push(`SAs down: ${tunnels.sasDown.join(', ')}`);
    if (tunnels.bgpDown.length > 0) problems.push(`BGP not established: ${tunnels.bgpDown.join(', ')}`);
    if (problems.length > 0) {
      throw new FlatnetError('ROUTER_COMMAND', `the new router is not ready: ${problems.join('; ')}`, 'flatnet undoes the cutover; check the new instance before trying again');
    }
    await ctx.deps.afterAction?.('verify');
    return { detail: `${fresh.instanceId} running, forwarding, holds ${facts.elasticIp.publicIp}, ${repointed.repointed.length} routes, ${tunnels.sasUp.length} SAs and ${tunnels.bgpUp.length} BGP sessions up` };
  },
};

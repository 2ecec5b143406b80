/**
 * Look at the world as it is now, not as the earlier steps said it would be: the receiving
 * router runs and forwards, holds the Elastic IP, the routes point at it, and its tunnels are
 * up. Any gap fails the step, and the engine undoes the cutover. Shared by the scale-up (the
 * new instance) and the failover (the standby, or the primary on failback).
 */
import { FlatnetError } from '../../errors.js';
import type { Step } from '../../runbook/types.js';
import type { CutoverDeps, ResolveCutover } from '../cutover.js';
import { resultOf, type RepointResult } from '../scale-facts.js';
import type { ScaleDeps } from '../scale-deps.js';
import { countTunnels } from './bring-tunnels-up.js';
import { routeTargets } from './repoint-routes.js';
import { scaleCutover } from './scale-cutover.js';

export function createVerifyCutoverStep<D extends CutoverDeps>(options: {
  title: string;
  cutover: ResolveCutover<D>;
}): Step<D> {
  return {
    id: 'verify',
    title: options.title,
    phase: 'execute',
    // Once verified, the receiving router carries the traffic: if only a later step fails (the
    // scale-up's stop of the old router), moving everything back would be a second outage for
    // nothing. Stop and report instead.
    onLaterFailure: 'stop',
    async run(ctx) {
      if (ctx.dryRun) return { detail: 'dry run: nothing to verify' };
      const cutover = options.cutover(ctx);
      const { region, elasticIp, routes, to } = cutover;
      const repointed = resultOf<RepointResult>(ctx.results, 'repoint-routes');
      const { cloud } = ctx.deps;
      const [instance, address, targets, tunnels] = await Promise.all([
        cloud.describeInstance(region, to.instanceId),
        cloud.describeAddress(region, elasticIp.allocationId),
        routeTargets(cloud, region, routes),
        countTunnels(to.client(), cutover.expectedSas, cutover.expectedBgp),
      ]);
      const problems: string[] = [];
      if (instance.state !== 'running') problems.push(`${to.instanceId} is ${instance.state}`);
      if (instance.sourceDestCheck) problems.push(`source/dest check is on for ${to.instanceId}`);
      if (address.networkInterfaceId !== to.networkInterfaceId)
        problems.push(`${elasticIp.publicIp} is on ${address.networkInterfaceId ?? 'nothing'}`);
      const astray = repointed.repointed.filter((moved) =>
        [...targets].some(
          ([ref, target]) =>
            ref.routeTableId === moved.routeTableId &&
            ref.destination === moved.destination &&
            target !== to.networkInterfaceId,
        ),
      );
      if (astray.length > 0)
        problems.push(
          `${astray.length} routes no longer go to ${to.networkInterfaceId} (${astray.map((r) => `${r.routeTableId} ${r.destination}`).join(', ')})`,
        );
      if (tunnels.sasDown.length > 0) problems.push(`SAs down: ${tunnels.sasDown.join(', ')}`);
      if (tunnels.bgpDown.length > 0)
        problems.push(`BGP not established: ${tunnels.bgpDown.join(', ')}`);
      if (problems.length > 0) {
        throw new FlatnetError(
          'ROUTER_COMMAND',
          `${to.label} is not ready: ${problems.join('; ')}`,
          `flatnet undoes the cutover; check ${to.label} before trying again`,
        );
      }
      await ctx.deps.afterAction?.('verify');
      return {
        detail: `${to.instanceId} running, forwarding, holds ${elasticIp.publicIp}, ${repointed.repointed.length} routes, ${tunnels.sasUp.length} SAs and ${tunnels.bgpUp.length} BGP sessions up`,
      };
    },
  };
}

export const verifyStep: Step<ScaleDeps> = createVerifyCutoverStep<ScaleDeps>({
  title: 'Verify the new router carries the traffic',
  cutover: scaleCutover,
});

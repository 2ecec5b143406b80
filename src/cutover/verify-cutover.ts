/**
 * Look at the world as it is now, not as the earlier steps said it would be: the receiving
 * router runs and forwards, holds the Elastic IP, the routes point at it, and its tunnels are
 * up. Any gap fails the step, and the engine undoes the cutover. Shared by the scale-up (the
 * new instance) and the failover (the standby, or the primary on failback).
 */
import { FlatnetError } from '../errors.js';
import type { StepAction } from '../runbook/define-step.js';
import { countTunnels } from './bring-tunnels-up.js';
import type { CutoverDeps, ResolveCutover } from './cutover.js';
import { CUTOVER_STEPS } from './cutover-steps.js';
import { routeTargets } from './repoint-routes.js';

export function verifyCutover<D extends CutoverDeps>(resolve: ResolveCutover<D>): StepAction<D> {
  return async (ctx) => {
    if (ctx.dryRun) return { detail: 'dry run: nothing to verify' };
    const cutover = resolve(ctx);
    const { region, elasticIp, routes, to } = cutover;
    const repointed = ctx.result(CUTOVER_STEPS.repointRoutes);
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
        `${astray.length} routes no longer go to ${to.networkInterfaceId} ` +
          `(${astray.map((r) => `${r.routeTableId} ${r.destination}`).join(', ')})`,
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
    return {
      detail:
        `${to.instanceId} running, forwarding, holds ${elasticIp.publicIp}, ` +
        `${repointed.repointed.length} routes, ${tunnels.sasUp.length} SAs ` +
        `and ${tunnels.bgpUp.length} BGP sessions up`,
    };
  };
}

/**
 * The cutover's first act: the Elastic IP is the tunnels' outside address, so from here until
 * the receiving router re-establishes them, traffic through the hub is down. Everything before
 * prepared that router so that this window is as short as EC2 and IKE allow. Shared by the
 * scale-up (old instance → new instance), the failover and the failback (primary ⇄ standby).
 */
import { describeError } from '../errors.js';
import type { StepAction, TypedStepContext } from '../runbook/define-step.js';
import type { Cutover, CutoverDeps, ResolveCutover } from './cutover.js';
import type { MovedElasticIp } from './cutover-steps.js';
import { putRoutesBack, replaceAllRoutes } from './repoint-routes.js';

/**
 * How old the plan's reading of the Elastic IP may be for the move to trust it instead of
 * asking EC2 again. The look before the move guards against a second move after a crash (a
 * resumed attempt always looks) and against a person moving the address by hand since the
 * plan. Within a few seconds of a plan that refused a third holder, the second risk is the
 * same as in the round trip between a DescribeAddresses and the AssociateAddress, and an
 * automatic failover's move follows its plan by well under a second: that is one EC2 round
 * trip less in the outage's lead-up. An approved plan is minutes old and is read again.
 */
export const ELASTIC_IP_READING_FRESH_MS = 5000;

/** Where the Elastic IP is now: the plan's fresh reading on a first attempt, else EC2's. */
async function holderNow<D extends CutoverDeps>(
  ctx: TypedStepContext<D>,
  cutover: Cutover,
): Promise<string | null> {
  const seen = cutover.elasticIp.seen;
  if (ctx.firstAttempt && seen && ctx.deps.clock() - seen.at <= ELASTIC_IP_READING_FRESH_MS)
    return seen.networkInterfaceId;
  const now = await ctx.deps.cloud.describeAddress(cutover.region, cutover.elasticIp.allocationId);
  return now.networkInterfaceId ?? null;
}

export function moveElasticIp<D extends CutoverDeps>(
  cutover: ResolveCutover<D>,
): StepAction<D, MovedElasticIp> {
  return async (ctx) => {
    const resolved = cutover(ctx);
    const { region, elasticIp: eip, to } = resolved;
    const { cloud } = ctx.deps;
    if (ctx.dryRun) {
      await cloud.associateAddress(region, {
        allocationId: eip.allocationId,
        networkInterfaceId: to.networkInterfaceId,
        dryRun: true,
      });
      return { detail: `DryRun: AssociateAddress ${eip.publicIp} would succeed` };
    }
    const moved = (await holderNow(ctx, resolved)) !== to.networkInterfaceId;
    let routes: MovedElasticIp['routes'];
    if (moved) {
      await ctx.assertStillOwner();
      // A giver that did not answer black-holes its routes already: they go in this round.
      [, routes] = await Promise.all([
        cloud.associateAddress(region, {
          allocationId: eip.allocationId,
          networkInterfaceId: to.networkInterfaceId,
        }),
        resolved.giverUnreachable ? replaceAllRoutes(cloud, resolved) : undefined,
      ]);
    }
    return {
      result: { moved, ...(routes ? { routes } : {}) },
      detail:
        `${eip.publicIp} now on ${to.networkInterfaceId} (${to.instanceId})` +
        (moved ? '' : ', already'),
    };
  };
}

/** Undo: the Elastic IP back to the giving router, whose IPsec is reset to re-initiate at once. */
export function moveElasticIpBack<D extends CutoverDeps>(
  cutover: ResolveCutover<D>,
): StepAction<D> {
  return async (ctx) => {
    const resolved = cutover(ctx);
    const { region, elasticIp: eip, from, to } = resolved;
    const { cloud } = ctx.deps;
    // Moved with the Elastic IP (an unanswering giver), the routes go back with it; a failure
    // between the two acts saves no result, so look instead of trusting one.
    const routes = resolved.giverUnreachable
      ? `; ${await putRoutesBack(cloud, resolved)} routes back on ${from.networkInterfaceId}`
      : '';
    const now = await cloud.describeAddress(region, eip.allocationId);
    // Only take it back from the receiving router (or from nobody): if someone moved it
    // elsewhere since, that was a decision flatnet must not overrule.
    if (
      now.networkInterfaceId &&
      now.networkInterfaceId !== to.networkInterfaceId &&
      now.networkInterfaceId !== from.networkInterfaceId
    ) {
      return {
        detail:
          `${eip.publicIp} is on ${now.networkInterfaceId}, ` +
          `neither router: left there${routes}`,
      };
    }
    if (now.networkInterfaceId !== from.networkInterfaceId) {
      await cloud.associateAddress(region, {
        allocationId: eip.allocationId,
        networkInterfaceId: from.networkInterfaceId,
      });
    }
    // The giving router's SAs died with the move; a reset brings them back without waiting for DPD.
    try {
      await from.client().resetIpsec();
    } catch (err) {
      await ctx.note(
        `${eip.publicIp} is back on ${from.label}, but resetting its IPsec failed ` +
          `(${describeError(err)}): its tunnels come back when the peers retry`,
      );
      return {
        detail:
          `${eip.publicIp} back on ${from.networkInterfaceId} ` +
          `(${from.instanceId}); IPsec reset there failed${routes}`,
      };
    }
    return {
      detail:
        `${eip.publicIp} back on ${from.networkInterfaceId} ` +
        `(${from.instanceId}); IPsec reset there${routes}`,
    };
  };
}

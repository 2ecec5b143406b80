/**
 * The cutover's first act: the Elastic IP is the tunnels' outside address, so from here until
 * the receiving router re-establishes them, traffic through the hub is down. Everything before
 * prepared that router so that this window is as short as EC2 and IKE allow. Shared by the
 * scale-up (old instance → new instance) and the failover (primary ⇄ standby).
 */
import { describeError } from '../errors.js';
import type { StepAction } from '../runbook/define-step.js';
import type { CutoverDeps, ResolveCutover } from './cutover.js';

export function moveElasticIp<D extends CutoverDeps>(cutover: ResolveCutover<D>): StepAction<D> {
  return async (ctx) => {
    const { region, elasticIp: eip, to } = cutover(ctx);
    const { cloud } = ctx.deps;
    if (ctx.dryRun) {
      await cloud.associateAddress(region, {
        allocationId: eip.allocationId,
        networkInterfaceId: to.networkInterfaceId,
        dryRun: true,
      });
      return { detail: `DryRun: AssociateAddress ${eip.publicIp} would succeed` };
    }
    const now = await cloud.describeAddress(region, eip.allocationId);
    if (now.networkInterfaceId !== to.networkInterfaceId) {
      await ctx.assertStillOwner();
      await cloud.associateAddress(region, {
        allocationId: eip.allocationId,
        networkInterfaceId: to.networkInterfaceId,
      });
    }
    return {
      detail:
        `${eip.publicIp} now on ${to.networkInterfaceId} (${to.instanceId})` +
        (now.networkInterfaceId === to.networkInterfaceId ? ', already' : ''),
    };
  };
}

/** Undo: the Elastic IP back to the giving router, whose IPsec is reset to re-initiate at once. */
export function moveElasticIpBack<D extends CutoverDeps>(
  cutover: ResolveCutover<D>,
): StepAction<D> {
  return async (ctx) => {
    const { region, elasticIp: eip, from, to } = cutover(ctx);
    const { cloud } = ctx.deps;
    const now = await cloud.describeAddress(region, eip.allocationId);
    // Only take it back from the receiving router (or from nobody): if someone moved it
    // elsewhere since, that was a decision flatnet must not overrule.
    if (
      now.networkInterfaceId &&
      now.networkInterfaceId !== to.networkInterfaceId &&
      now.networkInterfaceId !== from.networkInterfaceId
    ) {
      return {
        detail: `${eip.publicIp} is on ${now.networkInterfaceId}, neither router: left there`,
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
          `(${from.instanceId}); IPsec reset there failed`,
      };
    }
    return {
      detail:
        `${eip.publicIp} back on ${from.networkInterfaceId} ` +
        `(${from.instanceId}); IPsec reset there`,
    };
  };
}

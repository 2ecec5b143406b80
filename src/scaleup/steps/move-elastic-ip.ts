/**
 * Execute step 5, the cutover: the Elastic IP is the tunnels' outside address, so from here
 * until the new router re-establishes them, traffic through the hub is down. Everything
 * before prepared the new router so that this window is as short as EC2 and IKE allow.
 */
import { describeError } from '../../errors.js';
import type { Step } from '../../runbook/types.js';
import { newInstanceOf, resultOf, type LoadFactsResult } from '../scale-facts.js';
import type { ScaleDeps } from '../scale-deps.js';

export const moveElasticIpStep: Step<ScaleDeps> = {
  id: 'move-elastic-ip',
  title: 'Move the Elastic IP to the new router',
  phase: 'execute',
  async run(ctx) {
    const facts = resultOf<LoadFactsResult>(ctx.results, 'load-facts');
    const { cloud } = ctx.deps;
    const eip = facts.elasticIp;
    if (ctx.dryRun) {
      await cloud.associateAddress(facts.region, { allocationId: eip.allocationId, networkInterfaceId: facts.networkInterfaceId, dryRun: true });
      return { detail: `DryRun: AssociateAddress ${eip.publicIp} would succeed` };
    }
    const fresh = newInstanceOf(ctx.results);
    const now = await cloud.describeAddress(facts.region, eip.allocationId);
    if (now.networkInterfaceId !== fresh.networkInterfaceId) {
      await ctx.assertStillOwner();
      await cloud.associateAddress(facts.region, { allocationId: eip.allocationId, networkInterfaceId: fresh.networkInterfaceId });
    }
    await ctx.deps.afterAction?.('move-elastic-ip');
    return { detail: `${eip.publicIp} now on ${fresh.networkInterfaceId} (${fresh.instanceId})${now.networkInterfaceId === fresh.networkInterfaceId ? ', already' : ''}` };
  },
  async undo(ctx) {
    const facts = resultOf<LoadFactsResult>(ctx.results, 'load-facts');
    const { cloud, routers } = ctx.deps;
    const eip = facts.elasticIp;
    const fresh = newInstanceOf(ctx.results);
    const now = await cloud.describeAddress(facts.region, eip.allocationId);
    // Only take it back from the new router (or from nobody): if someone moved it elsewhere
    // since, that was a decision flatnet must not overrule.
    if (now.networkInterfaceId && now.networkInterfaceId !== fresh.networkInterfaceId && now.networkInterfaceId !== facts.networkInterfaceId) {
      return { detail: `${eip.publicIp} is on ${now.networkInterfaceId}, neither router: left there` };
    }
    if (now.networkInterfaceId !== facts.networkInterfaceId) {
      await cloud.associateAddress(facts.region, { allocationId: eip.allocationId, networkInterfaceId: facts.networkInterfaceId });
    }
    // The old router's SAs died with the move; a reset brings them back without waiting for DPD.
    try {
      await routers.router(facts.router).resetIpsec();
    } catch (err) {
      await ctx.note(`${eip.publicIp} is back on ${facts.router}, but resetting its IPsec failed (${describeError(err)}): its tunnels come back when the peers retry`);
    }
    return { detail: `${eip.publicIp} back on ${facts.networkInterfaceId} (${facts.instanceId}); IPsec reset there` };
  },
};

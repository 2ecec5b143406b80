/**
 * remove-peer's `remove-standby` step: the same removal on the hub's standby, rendered from
 * the standby's own configuration (its VTI, routes, neighbour), or a failover would bring the
 * peer back. A standby that is down is left behind loudly, as add-peer does (reach-standby.ts).
 */
import type { TypedOutcome, TypedStepContext } from '../runbook/define-step.js';
import { renderWireguardPeerRemoval } from '../vyos/render-wireguard-peer.js';
import type { OnboardingDeps } from './onboarding-deps.js';
import { renderSitePeerRemoval } from './plan-ipsec-peer.js';
import { reachStandby, type StandbyResult } from './reach-standby.js';
import { readHubConfig } from './read-hub-config.js';
import { verifyPeerGone } from './remove-peer-from-router.js';
import { routerOf } from './remove-peer-steps.js';
import { unzonePeerTunnel } from './peer-zone.js';

export async function removePeerFromStandby(
  ctx: TypedStepContext<OnboardingDeps>,
): Promise<TypedOutcome<StandbyResult>> {
  const { deps, run } = ctx;
  const router = routerOf(run);
  const reach = await reachStandby(deps, router);
  if (reach.kind === 'none')
    return {
      result: { standby: null, applied: false, notUpdated: null, privateIp: null },
      detail: `${router} has no standby`,
    };
  if (reach.kind === 'unavailable') {
    await ctx.note(
      `WARNING: ${reach.reason}. ${run.target} may still be on the standby ${reach.name}: ` +
        'a failover would bring it back.',
    );
    return {
      result: { standby: reach.name, applied: false, notUpdated: reach.reason, privateIp: null },
      detail: `NOT checked on the standby ${reach.name}: ${reach.reason}`,
    };
  }
  const hub = readHubConfig(
    reach.lines,
    deps.inventory.routers[router]?.wireguard?.interface ?? 'wg0',
  );
  const isWg = hub.wireguard.peers.some((p) => p.name === run.target);
  const result: StandbyResult = {
    standby: reach.name,
    applied: false,
    notUpdated: null,
    privateIp: reach.privateIp,
  };
  if (!isWg && !hub.ipsec.some((p) => p.name === run.target))
    return { result, detail: `${run.target} is not on the standby ${reach.name}` };
  const lines = isWg
    ? renderWireguardPeerRemoval(run.target, hub.wireguard.iface)
    : [
        ...unzonePeerTunnel(reach.lines, hub, run.target),
        ...renderSitePeerRemoval(run.target, hub),
      ];
  await ctx.assertStillOwner();
  const confirmMinutes = deps.confirmMinutes ?? 5;
  const applied = await deps.routers.router(reach.name).applyConfig(lines, {
    confirmMinutes,
    dryRun: ctx.dryRun,
    verify: (r) => verifyPeerGone(r, run.target),
  });
  await ctx.note(`compare on ${reach.name}:\n${applied.compare.trim()}`);
  return {
    result: { ...result, applied: !ctx.dryRun },
    detail:
      `${ctx.dryRun ? 'dry run: would remove it from' : 'removed from'} ` +
      `the standby ${reach.name} too`,
  };
}

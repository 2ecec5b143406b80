/**
 * add-peer step 4 (`configure-standby`): the same peer on the hub's warm standby, so that a
 * failover keeps it. The standby's lines are the primary's, rendered once and rewritten to the
 * standby's private address (strongSwan binds `local-address`; the local id stays the Elastic
 * IP, which the standby takes over). A site's pre-shared key is read back from the primary,
 * where step 3 put it, so both hubs hold the same key and flatnet stores none. A WireGuard peer
 * is identical on both: the interface has the same private key, and clients follow the Elastic
 * IP. Commit-confirm, verify (the peer is in the standby's running config: it holds no Elastic
 * IP, so there is no handshake or SA to wait for), confirm, save.
 *
 * A standby that is stopped or does not answer is left behind, loudly (see reach-standby.ts).
 */
import type { TypedOutcome, TypedStepContext } from '../runbook/define-step.js';
import { renderWireguardMss, renderWireguardPeerRemoval } from '../vyos/render-wireguard-peer.js';
import { rewritePrivateAddress } from '../vyos/rewrite-private-address.js';
import type { RouterClient } from '../vyos/router-client.js';
import type { ConfigLine } from '../vyos/types.js';
import { addPeerParams } from './add-peer-request.js';
import { ADD_PEER_STEPS as S, reservedAddress, reservedTunnel } from './add-peer-steps.js';
import { checkPeerIsNew, ownPeerOf } from './check-peer-is-new.js';
import { siteFactsOf, siteRequest, verifySitePeer } from './configure-site-peer.js';
import { renderOwnWireguardPeer } from './configure-wireguard-peer.js';
import { baselineAnnouncementLines } from './hub-announcements.js';
import { readRouter, type OnboardingDeps } from './onboarding-deps.js';
import { renderSitePeerLines, renderSitePeerRemoval } from './plan-ipsec-peer.js';
import { partnerOf } from './site-backup.js';
import { readHubConfig, readPresharedKey, type HubConfig } from './read-hub-config.js';
import { reachStandby, type StandbyResult } from './reach-standby.js';
import { wireguardSettings } from './render-client-files.js';
import { zoneTunnelLines } from '../policy/zone-tunnel.js';
import { unzonePeerTunnel } from './peer-zone.js';

const wgIfaceOf = (deps: OnboardingDeps, router: string) =>
  deps.inventory.routers[router]?.wireguard?.interface ?? 'wg0';

/** The peer's lines for the standby, from the primary's as step 3 rendered them. */
async function standbyLines(
  ctx: TypedStepContext<OnboardingDeps>,
  standbyIp: string,
): Promise<{ lines: ConfigLine[]; verify: (r: RouterClient) => Promise<void> }> {
  const { deps, run } = ctx;
  const params = addPeerParams(run);
  const name = run.target;
  if (params.kind === 'wireguard') {
    const wg = wireguardSettings(params.router, deps.inventory.routers[params.router]!);
    const publicKey = ctx.result(S.configure).publicKey ?? '';
    const address = reservedAddress(ctx.result(S.reserve));
    const lines = renderOwnWireguardPeer({
      name,
      publicKey,
      address,
      iface: wg.interface,
      keepaliveSeconds: wg.keepaliveSeconds,
      runId: run.id,
    });
    return {
      lines,
      async verify(r) {
        const config = await r.runningConfig();
        if (
          !config.some(
            (l) =>
              l.path.join(' ') === `interfaces wireguard ${wg.interface} peer ${name} public-key` &&
              l.value === publicKey,
          )
        ) {
          throw new Error(`peer ${name} is not in the running configuration of ${wg.interface}`);
        }
      },
    };
  }
  const primary = await readRouter(deps, params.router);
  const psk = readPresharedKey(primary.lines, name);
  if (!psk)
    throw new Error(`${name} has no pre-shared key on ${params.router}: it was removed meanwhile`);
  const facts = siteFactsOf(ctx);
  const rendered = renderSitePeerLines(siteRequest(ctx, psk), deps.inventory);
  const { lines } = rewritePrivateAddress(rendered, { from: facts.localAddress, to: standbyIp });
  return {
    lines,
    async verify(r) {
      await verifySitePeer(r, name, params.remote);
      const config = await r.runningConfig();
      const bound = config.find(
        (l) => l.path.join(' ') === `vpn ipsec site-to-site peer ${name} local-address`,
      )?.value;
      if (bound !== standbyIp)
        throw new Error(
          `peer ${name} is bound to ${bound ?? 'no address'}, ` +
            `not to the standby's own ${standbyIp}`,
        );
    },
  };
}

const removalOn = (
  deps: OnboardingDeps,
  router: string,
  name: string,
  hub: HubConfig,
  wireguard: boolean,
): ConfigLine[] =>
  wireguard
    ? renderWireguardPeerRemoval(name, wgIfaceOf(deps, router))
    : renderSitePeerRemoval(name, hub);

/** The interface the peer uses on the hub: its VTI, the WireGuard interface, or none. */
function tunnelOf(ctx: TypedStepContext<OnboardingDeps>): string[] {
  const params = addPeerParams(ctx.run);
  if (params.kind === 'wireguard') return [wgIfaceOf(ctx.deps, params.router)];
  const tunnel = reservedTunnel(ctx.resultIfAny(S.reserve));
  return tunnel ? [`vti${tunnel.vtiNumber}`] : [];
}

export async function configureStandbyPeer(
  ctx: TypedStepContext<OnboardingDeps>,
): Promise<TypedOutcome<StandbyResult>> {
  const { deps, run } = ctx;
  const params = addPeerParams(run);
  const name = run.target;
  const reach = await reachStandby(deps, params.router);
  if (reach.kind === 'none')
    return {
      result: { standby: null, applied: false, notUpdated: null, privateIp: null },
      detail: `${params.router} has no standby`,
    };
  if (reach.kind === 'unavailable') {
    const result: StandbyResult = {
      standby: reach.name,
      applied: false,
      notUpdated: reach.reason,
      privateIp: null,
    };
    await ctx.note(
      `WARNING: ${reach.reason}. ${name} is on ${params.router} but ` +
        `NOT on its standby ${reach.name}: a failover would drop it.`,
    );
    return {
      result,
      detail: `NOT on the standby ${reach.name}: ${reach.reason}`,
    };
  }
  const standby = readHubConfig(reach.lines, wgIfaceOf(deps, params.router));
  // Someone else's peer of that name on the standby: the pair has drifted; refuse (and undo the
  // primary's).
  checkPeerIsNew(standby, reach.name, name, params, run.id, partnerOf(deps.inventory, name));
  // A dry run put nothing on the primary (no key to copy): say what would happen.
  if (ctx.dryRun) {
    return {
      result: {
        standby: reach.name,
        applied: false,
        notUpdated: null,
        privateIp: reach.privateIp,
      },
      detail:
        'dry run: the same peer on the standby ' +
        `${reach.name}${params.kind === 'ipsec' ? `, bound to ${reach.privateIp}` : ''}`,
    };
  }
  const resumed = ownPeerOf(standby, name, run.id) !== undefined;
  const { lines, verify } = await standbyLines(ctx, reach.privateIp);
  await ctx.assertStillOwner();
  const confirmMinutes = deps.confirmMinutes ?? 5;
  // A re-run replaces this run's own earlier attempt, as step 3 does on the primary.
  const all = [
    ...(resumed ? removalOn(deps, reach.name, name, standby, params.kind === 'wireguard') : []),
    ...lines,
    ...(params.kind === 'wireguard'
      ? renderWireguardMss(wgIfaceOf(deps, params.router), reach.lines)
      : []),
    // The standby announces what the primary does, so a failover keeps the flat network.
    ...baselineAnnouncementLines(
      deps.inventory,
      reach.lines,
      params.kind === 'ipsec' ? params.subnets : [],
    ),
    // The standby runs the same policy: the tunnel joins its zone there too.
    ...zoneTunnelLines(reach.lines, tunnelOf(ctx)),
  ];
  const applied = await deps.routers
    .router(reach.name)
    .applyConfig(all, { confirmMinutes, verify });
  await ctx.note(`compare on ${reach.name}:\n${applied.compare.trim()}`);
  const result: StandbyResult = {
    standby: reach.name,
    applied: true,
    notUpdated: null,
    privateIp: reach.privateIp,
  };
  const how = applied.changed
    ? `committed with commit-confirm ${confirmMinutes}, verified, confirmed, saved`
    : 'already there';
  return {
    result,
    detail: `${name} on the standby ${reach.name} (local-address ${reach.privateIp}): ${how}`,
  };
}

/**
 * Undo: take this run's own peer off the standby again (found by its marker), whatever the step
 * recorded.
 */
export async function removeStandbyPeer(
  ctx: TypedStepContext<OnboardingDeps>,
): Promise<TypedOutcome<undefined>> {
  const { deps, run } = ctx;
  const params = addPeerParams(run);
  const recorded = ctx.resultIfAny(S.configureStandby);
  if (recorded && !recorded.applied)
    return {
      detail: recorded.standby
        ? `${run.target} was not put on ${recorded.standby}: nothing to take back`
        : 'no standby',
    };
  const reach = await reachStandby(deps, params.router);
  if (reach.kind === 'none') return { detail: 'no standby' };
  if (reach.kind === 'unavailable')
    throw new Error(
      `${reach.reason}: ${run.target} may still be on ${reach.name}; remove it ` +
        `there by hand (\`/vpn remove-peer ${run.target}\` once ${reach.name} runs)`,
    );
  const standby = readHubConfig(reach.lines, wgIfaceOf(deps, params.router));
  const own = ownPeerOf(standby, run.target, run.id);
  if (!own) return { detail: `${run.target} is not on ${reach.name}: nothing to take back` };
  await deps.routers
    .router(reach.name)
    .applyConfig(
      [
        ...unzonePeerTunnel(reach.lines, standby, run.target),
        ...removalOn(deps, reach.name, run.target, standby, own === 'wireguard'),
      ],
      { confirmMinutes: deps.confirmMinutes ?? 5 },
    );
  return { detail: `${run.target} removed from ${reach.name} again` };
}

/**
 * Step 3 for a site (IPsec): the peer, its groups and routing on the hub, with commit-confirm,
 * verify (the peer is in the running config), confirm, save. The pre-shared key is made here
 * and lives on the router only: the delivery step reads it back from there, so a crash between
 * the two steps loses nothing, and a re-run of this step keeps the key it already set.
 */
import type { TypedOutcome, TypedStepContext } from '../runbook/define-step.js';
import type { RouterClient } from '../vyos/router-client.js';
import { addPeerParams } from './add-peer-request.js';
import { ADD_PEER_STEPS as S, reservedTunnel } from './add-peer-steps.js';
import { checkPeerIsNew, ownPeerOf } from './check-peer-is-new.js';
import { generatePresharedKey } from './generate-secrets.js';
import { readRouter, type OnboardingDeps } from './onboarding-deps.js';
import { baselineAnnouncementLines } from './hub-announcements.js';
import {
  renderSitePeerLines,
  renderSitePeerRemoval,
  type IpsecPeerRequest,
} from './plan-ipsec-peer.js';
import { ownerMark, readPresharedKey } from './read-hub-config.js';
import { partnerOf } from './site-backup.js';
import { zoneTunnelLines } from '../policy/zone-tunnel.js';
import { unzonePeerTunnel } from './peer-zone.js';

type OnboardingContext = TypedStepContext<OnboardingDeps>;

/** What the check step read of a site's hub (an IPsec run's check always saves it). */
export function siteFactsOf(ctx: Pick<OnboardingContext, 'result'>) {
  const facts = ctx.result(S.check);
  if (!('localAddress' in facts)) throw new Error('a site request needs an IPsec run');
  return facts;
}

/**
 * The request as the run recorded it; the key comes from the caller (fresh, or read from the
 * router).
 */
export function siteRequest(
  ctx: Pick<OnboardingContext, 'run' | 'result' | 'resultIfAny'>,
  presharedKey: string,
): IpsecPeerRequest {
  const params = addPeerParams(ctx.run);
  if (params.kind !== 'ipsec') throw new Error('a site request needs an IPsec run');
  const facts = siteFactsOf(ctx);
  const tunnel = reservedTunnel(ctx.resultIfAny(S.reserve));
  return {
    name: ctx.run.target,
    remote: params.remote,
    subnets: params.subnets,
    mode: params.mode,
    ...(params.bgpAsn !== undefined ? { bgpAsn: params.bgpAsn } : {}),
    localAddress: facts.localAddress,
    hubPublicAddress: facts.hubPublicAddress,
    hubName: params.router,
    presharedKey,
    ...(tunnel ? { tunnel } : {}),
    description: ownerMark(ctx.run.id),
  };
}

export async function verifySitePeer(
  router: RouterClient,
  name: string,
  remote: string,
): Promise<void> {
  const config = await router.runningConfig();
  if (
    !config.some(
      (l) =>
        l.path.join(' ') === `vpn ipsec site-to-site peer ${name} remote-address` &&
        l.value === remote,
    )
  ) {
    throw new Error(`site-to-site peer ${name} is not in the running configuration`);
  }
}

export async function configureSitePeer(ctx: OnboardingContext) {
  const { deps, run } = ctx;
  const params = addPeerParams(run);
  if (params.kind !== 'ipsec') throw new Error('configureSitePeer needs an IPsec run');
  const name = run.target;
  const snap = await readRouter(deps, params.router);
  checkPeerIsNew(snap.hub, params.router, name, params, run.id, partnerOf(deps.inventory, name));
  const resumed = ownPeerOf(snap.hub, name, run.id) === 'ipsec';
  const req = siteRequest(
    ctx,
    (resumed ? readPresharedKey(snap.lines, name) : undefined) ?? generatePresharedKey(),
  );
  const lines = [
    ...(resumed ? renderSitePeerRemoval(name, snap.hub) : []),
    ...renderSitePeerLines(req, deps.inventory),
    // What a BGP site (and the VGWs and spokes) must learn from the hub besides BGP.
    ...baselineAnnouncementLines(deps.inventory, snap.lines, req.subnets),
    // The traffic policy covers the new VTI from this commit on (src/policy/zone-tunnel.ts).
    ...zoneTunnelLines(snap.lines, req.tunnel ? [`vti${req.tunnel.vtiNumber}`] : []),
  ];
  await ctx.assertStillOwner();
  const confirmMinutes = deps.confirmMinutes ?? 5;
  const applied = await deps.routers.router(params.router).applyConfig(lines, {
    confirmMinutes,
    dryRun: ctx.dryRun,
    verify: (r) => verifySitePeer(r, name, params.remote),
  });
  // `compare` is redacted by the driver: the key shows as [redacted].
  await ctx.note(`compare:\n${applied.compare.trim()}`);
  const how = ctx.dryRun
    ? 'dry run: nothing committed'
    : applied.changed
      ? `committed with commit-confirm ${confirmMinutes}, verified, confirmed, saved`
      : 'already on the router';
  const routing = req.tunnel
    ? `vti${req.tunnel.vtiNumber} ${req.tunnel.hubAddress}` +
      (req.bgpAsn !== undefined
        ? `, BGP AS ${req.bgpAsn}`
        : `, static routes to ${req.subnets.join(', ')}`)
    : `policy-based, ${req.subnets.join(', ')}`;
  return {
    result: { committed: applied.committed },
    detail: `${name} (${params.remote}, ${routing}): ${how}\n${applied.compare.trim()}`,
  };
}

/** Undo of step 3: only the run's own peer is taken off (found by its marker). */
export async function removeOwnPeer(
  ctx: OnboardingContext,
  lines: (snap: Awaited<ReturnType<typeof readRouter>>) => ReturnType<typeof renderSitePeerRemoval>,
): Promise<TypedOutcome<undefined>> {
  const params = addPeerParams(ctx.run);
  const snap = await readRouter(ctx.deps, params.router);
  if (!ownPeerOf(snap.hub, ctx.run.target, ctx.run.id))
    return { detail: `${ctx.run.target} is not on ${params.router}: nothing to take back` };
  await ctx.deps.routers
    .router(params.router)
    .applyConfig([...unzonePeerTunnel(snap.lines, snap.hub, ctx.run.target), ...lines(snap)], {
      confirmMinutes: ctx.deps.confirmMinutes ?? 5,
    });
  return { detail: `${ctx.run.target} removed from ${params.router} again` };
}

/**
 * remove-peer's `remove` step: the peer's lines go with commit-confirm, verified absent before
 * confirming. A peer already gone (a re-run, or it was on the standby only) is left alone.
 */
import type { TypedStepContext } from '../runbook/define-step.js';
import { renderWireguardPeerRemoval } from '../vyos/render-wireguard-peer.js';
import type { RouterClient } from '../vyos/router-client.js';
import { readRouter, type OnboardingDeps } from './onboarding-deps.js';
import { renderSitePeerRemoval } from './plan-ipsec-peer.js';
import { routerOf } from './remove-peer-steps.js';
import { unzonePeerTunnel } from './peer-zone.js';

/** The verify of a removal: neither a WireGuard nor a site peer of that name is configured. */
export async function verifyPeerGone(router: RouterClient, name: string): Promise<void> {
  const config = await router.runningConfig();
  if (
    config.some(
      (l) =>
        (l.path[0] === 'interfaces' &&
          l.path[1] === 'wireguard' &&
          l.path[3] === 'peer' &&
          l.path[4] === name) ||
        l.path.join(' ').startsWith(`vpn ipsec site-to-site peer ${name} `),
    )
  ) {
    throw new Error(`peer ${name} is still in the running configuration`);
  }
}

export async function removePeerFromRouter(ctx: TypedStepContext<OnboardingDeps>) {
  const { deps, run } = ctx;
  const router = routerOf(run);
  const { hub, lines: current } = await readRouter(deps, router);
  const isWg = hub.wireguard.peers.some((p) => p.name === run.target);
  const isSite = hub.ipsec.some((p) => p.name === run.target);
  if (!isWg && !isSite) return { detail: `${run.target} is already gone from ${router}` };
  const lines = isWg
    ? renderWireguardPeerRemoval(run.target, hub.wireguard.iface)
    : [...unzonePeerTunnel(current, hub, run.target), ...renderSitePeerRemoval(run.target, hub)];
  await ctx.assertStillOwner();
  const confirmMinutes = deps.confirmMinutes ?? 5;
  const applied = await deps.routers.router(router).applyConfig(lines, {
    confirmMinutes,
    dryRun: ctx.dryRun,
    verify: (r) => verifyPeerGone(r, run.target),
  });
  await ctx.note(`compare:\n${applied.compare.trim()}`);
  const how = ctx.dryRun
    ? 'dry run: would remove'
    : `removed with commit-confirm ${confirmMinutes}, verified, confirmed, saved`;
  return { detail: `${how}\n${applied.compare.trim()}` };
}

/**
 * remove-peer's plan step: the peer on the router, or on its standby only (it was down when
 * the peer went from the primary). Tunnels between flatnet's own routers are not peers: they
 * are refused here, before anyone approves.
 */
import { BadInputError } from '../errors.js';
import type { TypedStepContext } from '../runbook/define-step.js';
import { readRouter, type OnboardingDeps } from './onboarding-deps.js';
import { reachStandby } from './reach-standby.js';
import { readHubConfig, type HubConfig } from './read-hub-config.js';
import { routerOf } from './remove-peer-steps.js';
import { sitesOf } from '../policy/onboarded-sites.js';

export const hasPeer = (hub: HubConfig, name: string) =>
  hub.wireguard.peers.some((p) => p.name === name) || hub.ipsec.some((p) => p.name === name);

export async function findPeer(ctx: TypedStepContext<OnboardingDeps>) {
  const { deps, run } = ctx;
  const router = routerOf(run);
  const primary = await readRouter(deps, router);
  let hub = primary.hub;
  let lines = primary.lines;
  let where = router;
  if (!hasPeer(hub, run.target)) {
    // Left on the standby only (it was down when the peer went from the primary): remove it there.
    const standby = await reachStandby(deps, router);
    if (
      standby.kind === 'ready' &&
      hasPeer(readHubConfig(standby.lines, hub.wireguard.iface), run.target)
    ) {
      hub = readHubConfig(standby.lines, hub.wireguard.iface);
      lines = standby.lines;
      where = `${standby.name} only (not on ${router})`;
    }
  }
  const wg = hub.wireguard.peers.find((p) => p.name === run.target);
  if (wg)
    return {
      result: { kind: 'wireguard' as const, addresses: wg.allowedIps },
      detail: `WireGuard peer ${run.target} on ${where}: ${wg.allowedIps.join(', ')}`,
    };
  const site = hub.ipsec.find((p) => p.name === run.target);
  if (!site)
    throw new BadInputError(
      `${router} has no peer named ${run.target}`,
      `see \`/vpn peers --router ${router}\` for the peers it has`,
    );
  const ownRouter = Object.entries(deps.inventory.routers).find(
    ([name, r]) =>
      name === site.name ||
      (site.remoteAddress !== undefined && r.elasticIp?.publicIp === site.remoteAddress),
  );
  if (ownRouter)
    throw new BadInputError(
      `${run.target} is the tunnel to flatnet's router ${ownRouter[0]}, not a peer`,
      'tunnels between routers are changed with the /router runbooks, not removed as peers',
    );
  // The subnets the router routes to it, as the policy model reads them (onboarded-sites.ts).
  const subnets = sitesOf(lines).find((x) => x.peer === run.target)?.subnets ?? [];
  return {
    result: { kind: 'ipsec' as const, remote: site.remoteAddress ?? '', subnets },
    detail: `site-to-site peer ${run.target} (${site.remoteAddress ?? '?'}) on ${where}`,
  };
}

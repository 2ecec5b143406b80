/**
 * add-peer's `reserve` step: the peer's tunnel address. A WireGuard peer leases the next free
 * address of the router's pool in Redis (released by the undo); a route-based site takes the
 * first VTI and /30 free on the hub and on its standby; a policy-based site needs none.
 */
import type { TypedStepContext } from '../runbook/define-step.js';
import { addPeerParams } from './add-peer-request.js';
import { AddressPool } from './address-pool.js';
import { readRouter, type OnboardingDeps } from './onboarding-deps.js';
import { chooseSiteTunnel } from './plan-ipsec-peer.js';
import { reachStandby } from './reach-standby.js';
import { isOwnedBy, readHubConfig, type HubConfig } from './read-hub-config.js';
import { poolRefOf, routerAddressesOf } from './wireguard-pool.js';

type Ctx = TypedStepContext<OnboardingDeps>;

const pool = (deps: OnboardingDeps) => new AddressPool(deps.redis, deps.prefix);

export async function reserveTunnelAddress(ctx: Ctx) {
  const { deps, run } = ctx;
  const params = addPeerParams(run);
  const snap = await readRouter(deps, params.router);
  if (params.kind === 'wireguard') {
    const ref = poolRefOf(deps.inventory, params.router);
    if (ctx.dryRun) {
      const next = await pool(deps).preview(ref, routerAddressesOf(snap.hub));
      return {
        result: { address: next ?? '' },
        detail: `would take ${next ?? 'nothing: the pool is full'} from ${ref.pool}`,
      };
    }
    await ctx.assertStillOwner();
    const address = await pool(deps).lease(ref, run.id, routerAddressesOf(snap.hub));
    return { result: { address }, detail: `${address} from ${ref.pool}` };
  }
  if (params.mode === 'policy')
    return {
      result: { policy: true as const },
      detail: 'policy-based: no tunnel interface needed',
    };
  // A re-run after the peer went on: keep the VTI it has.
  const own = snap.hub.ipsec.find(
    (p) => p.name === run.target && isOwnedBy(p.description, run.id) && p.vti,
  );
  // The standby gets the same VTI: it must be free there too (a drifted standby may use it).
  const standby = await reachStandby(deps, params.router);
  const both: HubConfig =
    standby.kind === 'ready'
      ? { ...snap.hub, vtis: new Map([...readHubConfig(standby.lines).vtis, ...snap.hub.vtis]) }
      : snap.hub;
  const tunnel = chooseSiteTunnel(
    own ? { ...both, vtis: new Map([...both.vtis].filter(([n]) => n !== own.vti)) } : both,
  );
  return {
    result: { ...tunnel },
    detail: `vti${tunnel.vtiNumber} ${tunnel.hubAddress} (the site takes ${tunnel.siteAddress})`,
  };
}

/** Undo: the pool lease goes back (a site's VTI is freed with its configuration). */
export async function releaseTunnelAddress(ctx: Ctx) {
  const params = addPeerParams(ctx.run);
  if (params.kind !== 'wireguard') return;
  const ref = poolRefOf(ctx.deps.inventory, params.router);
  const freed = await pool(ctx.deps).release(ref, ctx.run.id);
  return { detail: freed ? `${freed} is back in the pool` : 'no address was leased' };
}

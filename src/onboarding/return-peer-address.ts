/**
 * remove-peer's `free` step: a removed WireGuard peer's pool addresses go back to the pool
 * (only /32s inside the pool: an address given by hand was never leased).
 */
import type { TypedStepContext } from '../runbook/define-step.js';
import { cidrContains } from '../net/cidr.js';
import { AddressPool } from './address-pool.js';
import type { OnboardingDeps } from './onboarding-deps.js';
import { REMOVE_PEER_STEPS as S, routerOf } from './remove-peer-steps.js';
import { poolRefOf } from './wireguard-pool.js';

export async function returnPeerAddress(ctx: TypedStepContext<OnboardingDeps>) {
  const { deps, run } = ctx;
  const found = ctx.resultIfAny(S.find);
  if (found?.kind !== 'wireguard' || !deps.inventory.routers[routerOf(run)]?.wireguard)
    return { detail: 'no pool address to return' };
  const ref = poolRefOf(deps.inventory, routerOf(run));
  const hosts = found.addresses
    .filter((a) => a.endsWith('/32') && cidrContains(ref.pool, a))
    .map((a) => a.slice(0, -3));
  if (ctx.dryRun) return { detail: `would return ${hosts.join(', ') || 'nothing'} to the pool` };
  const pool = new AddressPool(deps.redis, deps.prefix);
  for (const host of hosts) await pool.releaseAddress(ref, host);
  return {
    result: { freed: hosts },
    detail:
      hosts.length > 0 ? `${hosts.join(', ')} back in ${ref.pool}` : 'no pool address to return',
  };
}

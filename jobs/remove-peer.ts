/**
 * /vpn remove-peer <name> [--router R]: the reverse of add-peer. The peer's lines go with
 * commit-confirm (verified absent before confirming), its address returns to the pool, and the
 * run itself is the audit entry (the engine's audit stream records who removed what, when).
 * Tunnels between flatnet's own routers are not peers: they are refused here.
 */
import { BadInputError } from '../src/errors.js';
import { chooseRouter } from '../src/onboarding/add-peer-request.js';
import { AddressPool } from '../src/onboarding/address-pool.js';
import { readRouter, type OnboardingDeps } from '../src/onboarding/onboarding-deps.js';
import { renderSitePeerRemoval } from '../src/onboarding/plan-ipsec-peer.js';
import { poolRefOf } from '../src/onboarding/wireguard-pool.js';
import { resolvePolicy } from '../src/config/resolve-policy.js';
import { cidrContains } from '../src/net/cidr.js';
import type { RunRequestPlanner } from '../src/runbook/run-request.js';
import type { Run, Runbook, StepContext, StepOutcome } from '../src/runbook/types.js';
import { assertPeerName } from '../src/vyos/config-line.js';
import { renderWireguardPeerRemoval } from '../src/vyos/render-wireguard-peer.js';
import type { RouterClient } from '../src/vyos/router-client.js';

const routerOf = (run: Readonly<Run>): string => String(run.params.router);

async function find(ctx: StepContext<OnboardingDeps>): Promise<StepOutcome> {
  const { deps, run } = ctx;
  const router = routerOf(run);
  const { hub } = await readRouter(deps, router);
  const wg = hub.wireguard.peers.find((p) => p.name === run.target);
  if (wg) return { result: { kind: 'wireguard', addresses: wg.allowedIps }, detail: `WireGuard peer ${run.target} on ${router}: ${wg.allowedIps.join(', ')}` };
  const site = hub.ipsec.find((p) => p.name === run.target);
  if (!site) throw new BadInputError(`${router} has no peer named ${run.target}`, `see \`/vpn peers --router ${router}\` for the peers it has`);
  const ownRouter = Object.entries(deps.inventory.routers).find(([name, r]) => name === site.name || (site.remoteAddress !== undefined && r.elasticIp?.publicIp === site.remoteAddress));
  if (ownRouter) throw new BadInputError(`${run.target} is the tunnel to flatnet's router ${ownRouter[0]}, not a peer`, 'tunnels between routers are changed with the /router runbooks, not removed as peers');
  return { result: { kind: 'ipsec', remote: site.remoteAddress ?? '' }, detail: `site-to-site peer ${run.target} (${site.remoteAddress ?? '?'}) on ${router}` };
}

async function verifyGone(router: RouterClient, name: string): Promise<void> {
  const config = await router.runningConfig();
  if (config.some((l) => (l.path[0] === 'interfaces' && l.path[1] === 'wireguard' && l.path[3] === 'peer' && l.path[4] === name) || l.path.join(' ').startsWith(`vpn ipsec site-to-site peer ${name} `))) {
    throw new Error(`peer ${name} is still in the running configuration`);
  }
}

async function remove(ctx: StepContext<OnboardingDeps>): Promise<StepOutcome> {
  const { deps, run } = ctx;
  const router = routerOf(run);
  const { hub } = await readRouter(deps, router);
  const isWg = hub.wireguard.peers.some((p) => p.name === run.target);
  const isSite = hub.ipsec.some((p) => p.name === run.target);
  if (!isWg && !isSite) return { detail: `${run.target} is already gone from ${router}` };
  const lines = isWg ? renderWireguardPeerRemoval(run.target, hub.wireguard.iface) : renderSitePeerRemoval(run.target, hub);
  await ctx.assertStillOwner();
  const confirmMinutes = deps.confirmMinutes ?? 5;
  const applied = await deps.routers.router(router).applyConfig(lines, { confirmMinutes, dryRun: ctx.dryRun, verify: (r) => verifyGone(r, run.target) });
  await ctx.note(`compare:\n${applied.compare.trim()}`);
  return { detail: `${ctx.dryRun ? 'dry run: would remove' : `removed with commit-confirm ${confirmMinutes}, verified, confirmed, saved`}\n${applied.compare.trim()}` };
}

async function free(ctx: StepContext<OnboardingDeps>): Promise<StepOutcome> {
  const { deps, run } = ctx;
  const found = run.steps.find((s) => s.id === 'find')?.result as { kind?: string; addresses?: string[] } | undefined;
  if (found?.kind !== 'wireguard' || !deps.inventory.routers[routerOf(run)]?.wireguard) return { detail: 'no pool address to return' };
  const ref = poolRefOf(deps.inventory, routerOf(run));
  const hosts = (found.addresses ?? []).filter((a) => a.endsWith('/32') && cidrContains(ref.pool, a)).map((a) => a.slice(0, -3));
  if (ctx.dryRun) return { detail: `would return ${hosts.join(', ') || 'nothing'} to the pool` };
  const pool = new AddressPool(deps.redis, deps.prefix);
  for (const host of hosts) await pool.releaseAddress(ref, host);
  return { result: { freed: hosts }, detail: hosts.length > 0 ? `${hosts.join(', ')} back in ${ref.pool}` : 'no pool address to return' };
}

export function createRemovePeerRunbook(): Runbook<OnboardingDeps> {
  return {
    kind: 'remove-peer',
    whenBusy: 'wait',
    lockTarget: routerOf,
    steps: [
      { id: 'find', title: 'Find the peer on the router', phase: 'plan', run: find },
      { id: 'remove', title: 'Remove the peer (commit-confirm, verify, confirm, save)', phase: 'execute', run: remove },
      { id: 'free', title: 'Return its address to the pool', phase: 'execute', run: free },
    ],
    describePlan: (run) => [`Remove ${run.steps[0]?.detail ?? run.target}`, 'Apply with commit-confirm, verify it is gone, confirm, save; return its address to the pool'],
    summarize: (run) => (run.dryRun ? `${run.target} would be removed from ${routerOf(run)}:\n${run.steps[1]?.detail ?? ''}` : `${run.target} removed from ${routerOf(run)}; ${run.steps[2]?.detail ?? ''}.`),
  };
}

export const removePeerPlanner: RunRequestPlanner = {
  plan(command, { inventory, requester }) {
    if (command.kind !== 'remove-peer') throw new BadInputError(`remove-peer cannot plan a ${command.kind} command`, 'use /vpn remove-peer');
    assertPeerName(command.name);
    const router = chooseRouter(inventory, 'ipsec', command.router);
    const { approval } = resolvePolicy(inventory, 'remove-peer', requester);
    return {
      kind: 'remove-peer',
      target: command.name,
      params: { router },
      dryRun: command.dryRun,
      ...(approval ? { approval } : {}),
    };
  },
};

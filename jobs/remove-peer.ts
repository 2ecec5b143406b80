/**
 * /vpn remove-peer <name> [--router R]: the reverse of add-peer. The peer's lines go with
 * commit-confirm (verified absent before confirming), its address returns to the pool, and the
 * run itself is the audit entry (the engine's audit stream records who removed what, when).
 * Tunnels between flatnet's own routers are not peers: they are refused here.
 * The hub's standby loses the peer too (`remove-standby`), or a failover would bring it back;
 * a peer left only on the standby (it was down when the peer went) is found there and removed.
 * A standby that is down is left behind loudly, as add-peer does (src/onboarding/reach-standby.ts).
 */
import { BadInputError } from '../src/errors.js';
import { chooseRouter } from '../src/onboarding/add-peer-request.js';
import { AddressPool } from '../src/onboarding/address-pool.js';
import { readRouter, type OnboardingDeps } from '../src/onboarding/onboarding-deps.js';
import { renderSitePeerRemoval } from '../src/onboarding/plan-ipsec-peer.js';
import {
  reachStandby,
  standbyJson,
  standbyResultOf,
  standbyWarning,
  type StandbyResult,
} from '../src/onboarding/reach-standby.js';
import { readHubConfig, type HubConfig } from '../src/onboarding/read-hub-config.js';
import { poolRefOf } from '../src/onboarding/wireguard-pool.js';
import { resolvePolicy } from '../src/config/resolve-policy.js';
import { cidrContains } from '../src/net/cidr.js';
import type { RunRequestPlanner } from '../src/grammar/run-request-planner.js';
import type { Run, Runbook, StepContext, StepOutcome } from '../src/runbook/types.js';
import { assertPeerName } from '../src/vyos/config-line.js';
import { renderWireguardPeerRemoval } from '../src/vyos/render-wireguard-peer.js';
import type { RouterClient } from '../src/vyos/router-client.js';

const routerOf = (run: Readonly<Run>): string => String(run.params.router);

async function find(ctx: StepContext<OnboardingDeps>): Promise<StepOutcome> {
  const { deps, run } = ctx;
  const router = routerOf(run);
  const primary = await readRouter(deps, router);
  let hub = primary.hub;
  let where = router;
  if (!hasPeer(hub, run.target)) {
    // Left on the standby only (it was down when the peer went from the primary): remove it there.
    const standby = await reachStandby(deps, router);
    if (
      standby.kind === 'ready' &&
      hasPeer(readHubConfig(standby.lines, hub.wireguard.iface), run.target)
    ) {
      hub = readHubConfig(standby.lines, hub.wireguard.iface);
      where = `${standby.name} only (not on ${router})`;
    }
  }
  const wg = hub.wireguard.peers.find((p) => p.name === run.target);
  if (wg)
    return {
      result: { kind: 'wireguard', addresses: wg.allowedIps },
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
  return {
    result: { kind: 'ipsec', remote: site.remoteAddress ?? '' },
    detail: `site-to-site peer ${run.target} (${site.remoteAddress ?? '?'}) on ${where}`,
  };
}

const hasPeer = (hub: HubConfig, name: string) =>
  hub.wireguard.peers.some((p) => p.name === name) || hub.ipsec.some((p) => p.name === name);

/** The same removal on the standby, rendered from the standby's own configuration (its VTI, routes, neighbour). */
async function removeFromStandby(ctx: StepContext<OnboardingDeps>): Promise<StepOutcome> {
  const { deps, run } = ctx;
  const router = routerOf(run);
  const reach = await reachStandby(deps, router);
  if (reach.kind === 'none')
    return {
      result: standbyJson({ standby: null, applied: false, notUpdated: null, privateIp: null }),
      detail: `${router} has no standby`,
    };
  if (reach.kind === 'unavailable') {
    await ctx.note(
      `WARNING: ${reach.reason}. ${run.target} may still be on the standby ${reach.name}: a failover would bring it back.`,
    );
    return {
      result: standbyJson({
        standby: reach.name,
        applied: false,
        notUpdated: reach.reason,
        privateIp: null,
      }),
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
    return {
      result: standbyJson(result),
      detail: `${run.target} is not on the standby ${reach.name}`,
    };
  const lines = isWg
    ? renderWireguardPeerRemoval(run.target, hub.wireguard.iface)
    : renderSitePeerRemoval(run.target, hub);
  await ctx.assertStillOwner();
  const confirmMinutes = deps.confirmMinutes ?? 5;
  const applied = await deps.routers.router(reach.name).applyConfig(lines, {
    confirmMinutes,
    dryRun: ctx.dryRun,
    verify: (r) => verifyGone(r, run.target),
  });
  await ctx.note(`compare on ${reach.name}:\n${applied.compare.trim()}`);
  return {
    result: standbyJson({ ...result, applied: !ctx.dryRun }),
    detail: `${ctx.dryRun ? 'dry run: would remove it from' : 'removed from'} the standby ${reach.name} too`,
  };
}

async function verifyGone(router: RouterClient, name: string): Promise<void> {
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

async function remove(ctx: StepContext<OnboardingDeps>): Promise<StepOutcome> {
  const { deps, run } = ctx;
  const router = routerOf(run);
  const { hub } = await readRouter(deps, router);
  const isWg = hub.wireguard.peers.some((p) => p.name === run.target);
  const isSite = hub.ipsec.some((p) => p.name === run.target);
  if (!isWg && !isSite) return { detail: `${run.target} is already gone from ${router}` };
  const lines = isWg
    ? renderWireguardPeerRemoval(run.target, hub.wireguard.iface)
    : renderSitePeerRemoval(run.target, hub);
  await ctx.assertStillOwner();
  const confirmMinutes = deps.confirmMinutes ?? 5;
  const applied = await deps.routers.router(router).applyConfig(lines, {
    confirmMinutes,
    dryRun: ctx.dryRun,
    verify: (r) => verifyGone(r, run.target),
  });
  await ctx.note(`compare:\n${applied.compare.trim()}`);
  return {
    detail: `${ctx.dryRun ? 'dry run: would remove' : `removed with commit-confirm ${confirmMinutes}, verified, confirmed, saved`}\n${applied.compare.trim()}`,
  };
}

async function free(ctx: StepContext<OnboardingDeps>): Promise<StepOutcome> {
  const { deps, run } = ctx;
  const found = run.steps.find((s) => s.id === 'find')?.result as
    { kind?: string; addresses?: string[] } | undefined;
  if (found?.kind !== 'wireguard' || !deps.inventory.routers[routerOf(run)]?.wireguard)
    return { detail: 'no pool address to return' };
  const ref = poolRefOf(deps.inventory, routerOf(run));
  const hosts = (found.addresses ?? [])
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

export function createRemovePeerRunbook(): Runbook<OnboardingDeps> {
  return {
    kind: 'remove-peer',
    whenBusy: 'wait',
    lockTarget: routerOf,
    steps: [
      { id: 'find', title: 'Find the peer on the router', phase: 'plan', run: find },
      {
        id: 'remove',
        title: 'Remove the peer (commit-confirm, verify, confirm, save)',
        phase: 'execute',
        run: remove,
      },
      {
        id: 'remove-standby',
        title: "Remove it from the hub's standby too (commit-confirm, verify, confirm, save)",
        phase: 'execute',
        run: removeFromStandby,
      },
      { id: 'free', title: 'Return its address to the pool', phase: 'execute', run: free },
    ],
    describePlan: (run) => [
      `Remove ${run.steps[0]?.detail ?? run.target}`,
      'Apply with commit-confirm, verify it is gone, confirm, save, on the router and on its standby; return its address to the pool',
    ],
    summarize(run) {
      const step = (id: string) => run.steps.find((s) => s.id === id);
      if (run.dryRun)
        return `${run.target} would be removed from ${routerOf(run)}:\n${step('remove')?.detail ?? ''}`;
      const standby = standbyResultOf(step('remove-standby')?.result);
      const also = standby?.applied ? ` and its standby ${standby.standby ?? '?'}` : '';
      const warning = standbyWarning(
        standby,
        `a failover would bring ${run.target} back`,
        `run \`/vpn remove-peer ${run.target}\` again once ${standby?.standby ?? 'the standby'} runs`,
      );
      return `${run.target} removed from ${routerOf(run)}${also}; ${step('free')?.detail ?? ''}.${warning ? ` ${warning}` : ''}`;
    },
  };
}

export const removePeerPlanner: RunRequestPlanner = {
  plan(command, { inventory, requester }) {
    if (command.kind !== 'remove-peer')
      throw new BadInputError(
        `remove-peer cannot plan a ${command.kind} command`,
        'use /vpn remove-peer',
      );
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

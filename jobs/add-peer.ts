/**
 * /vpn add-peer: a developer's WireGuard peer or a site's IPsec peer on the hub.
 *   1. check (plan)  the name, key, remote and subnets against the router
 *   2. reserve       the tunnel address (WireGuard pool lease in Redis) or the site's VTI
 *   3. configure     render, commit-confirm, verify, confirm, save; (generated key: send it here)
 *   4. configure-standby  the same peer on the hub's warm standby (its own local-address), so a
 *                    failover keeps it; a standby that is down is left behind LOUDLY (note and
 *                    summary), not silently and without blocking the person (reach-standby.ts)
 *   5. deliver       the client files, privately; the address is recorded as the peer's
 * Runs on one router queue behind each other (whenBusy: 'wait'), so twenty at once all land.
 */
import { BadInputError } from '../src/errors.js';
import { addPeerParams, planAddPeer } from '../src/onboarding/add-peer-request.js';
import { AddressPool } from '../src/onboarding/address-pool.js';
import { checkPeerIsNew } from '../src/onboarding/check-peer-is-new.js';
import {
  configureSitePeer,
  removeOwnPeer,
  siteRequest,
} from '../src/onboarding/configure-site-peer.js';
import { configureWireguardPeer } from '../src/onboarding/configure-wireguard-peer.js';
import {
  configureStandbyPeer,
  removeStandbyPeer,
} from '../src/onboarding/configure-standby-peer.js';
import { reachStandby, standbyResultOf, standbyWarning } from '../src/onboarding/reach-standby.js';
import { readHubConfig, type HubConfig } from '../src/onboarding/read-hub-config.js';
import { readRouter, type OnboardingDeps } from '../src/onboarding/onboarding-deps.js';
import {
  chooseSiteTunnel,
  ipsecPeerSpec,
  renderSitePeerRemoval,
  siteSide,
} from '../src/onboarding/plan-ipsec-peer.js';
import { ownPeerOf } from '../src/onboarding/check-peer-is-new.js';
import { isOwnedBy, readPresharedKey } from '../src/onboarding/read-hub-config.js';
import { ipsecClientFiles, wireguardClientFiles } from '../src/onboarding/render-client-files.js';
import { clientMessage } from '../src/onboarding/configure-wireguard-peer.js';
import { sendClientFiles } from '../src/onboarding/send-client-files.js';
import { poolRefOf, routerAddressesOf } from '../src/onboarding/wireguard-pool.js';
import type { RunRequestPlanner } from '../src/grammar/run-request-planner.js';
import type { Run, Runbook, StepContext, StepOutcome } from '../src/runbook/types.js';
import { renderWireguardPeerRemoval } from '../src/vyos/render-wireguard-peer.js';

const pool = (deps: OnboardingDeps) => new AddressPool(deps.redis, deps.prefix);
const resultOf = <T>(run: Readonly<Run>, step: string): Partial<T> =>
  (run.steps.find((s) => s.id === step)?.result ?? {}) as Partial<T>;

async function check(ctx: StepContext<OnboardingDeps>): Promise<StepOutcome> {
  const { deps, run } = ctx;
  const params = addPeerParams(run);
  const snap = await readRouter(deps, params.router);
  checkPeerIsNew(snap.hub, params.router, run.target, params, run.id);
  // The standby gets the peer too (step 4): refuse now, before anything changes, if it clashes there.
  const standby = await reachStandby(deps, params.router);
  if (standby.kind === 'ready')
    checkPeerIsNew(
      readHubConfig(standby.lines, snap.hub.wireguard.iface),
      standby.name,
      run.target,
      params,
      run.id,
    );
  const onStandby =
    standby.kind === 'none'
      ? ''
      : standby.kind === 'ready'
        ? `; also on the standby ${standby.name}`
        : `; the standby ${standby.name} cannot be updated now (${standby.reason})`;
  if (params.kind === 'wireguard') {
    const ref = poolRefOf(deps.inventory, params.router);
    return {
      result: {
        router: params.router,
        iface: ref.iface,
        pool: ref.pool,
        keyGiven: params.publicKey !== undefined,
      },
      detail: `${run.target} is free on ${params.router} (${ref.iface}, pool ${ref.pool}, ${snap.hub.wireguard.peers.length} peers)${onStandby}`,
    };
  }
  const entry = deps.inventory.routers[params.router]!;
  // EC2 NATs the Elastic IP to the private address: strongSwan binds the private one.
  const instance = await deps.cloud.describeInstance(entry.region, entry.instanceId);
  const hubPublicAddress = entry.elasticIp?.publicIp;
  if (!hubPublicAddress)
    throw new BadInputError(
      `${params.router} has no Elastic IP in the inventory`,
      `add routers.${params.router}.elasticIp`,
    );
  return {
    result: { router: params.router, localAddress: instance.privateIp, hubPublicAddress },
    detail: `${run.target} (${params.remote}) is new on ${params.router}; local-address ${instance.privateIp}, id ${hubPublicAddress}${onStandby}`,
  };
}

async function reserve(ctx: StepContext<OnboardingDeps>): Promise<StepOutcome> {
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
    return { result: { policy: true }, detail: 'policy-based: no tunnel interface needed' };
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

async function deliver(ctx: StepContext<OnboardingDeps>): Promise<StepOutcome> {
  const { deps, run } = ctx;
  const params = addPeerParams(run);
  if (ctx.dryRun) return { detail: 'dry run: nothing sent' };
  if (params.kind === 'wireguard') {
    const ref = poolRefOf(deps.inventory, params.router);
    const address = String(resultOf<{ address: string }>(run, 'reserve').address ?? '');
    let detail = 'sent together with the generated key in step 3';
    if (!resultOf<{ keyGenerated: boolean }>(run, 'configure').keyGenerated) {
      const files = await wireguardClientFiles({
        peerName: run.target,
        address,
        routerName: params.router,
        router: deps.inventory.routers[params.router]!,
        inventory: deps.inventory,
      });
      detail = await sendClientFiles(
        deps,
        run,
        clientMessage(run.target, params.router, address, 'own-key'),
        files,
      );
    }
    await pool(deps).markApplied(ref, run.id, run.target);
    return { result: { address }, detail };
  }
  const snap = await readRouter(deps, params.router);
  const psk = readPresharedKey(snap.lines, run.target);
  if (!psk || !ownPeerOf(snap.hub, run.target, run.id))
    throw new BadInputError(
      `${run.target} is no longer on ${params.router}`,
      'someone removed it meanwhile: ask again',
    );
  const req = siteRequest(ctx, psk);
  const files = ipsecClientFiles(ipsecPeerSpec(req, deps.inventory), siteSide(req, deps.inventory));
  const message = `Site-to-site peer *${run.target}* (${params.remote}) is configured on ${params.router}. Paste the VyOS script on the site's router, or use the swanctl.conf with strongSwan. Both carry the pre-shared key: keep them private.`;
  return { detail: await sendClientFiles(deps, run, message, files) };
}

export function createAddPeerRunbook(): Runbook<OnboardingDeps> {
  return {
    kind: 'add-peer',
    whenBusy: 'wait',
    lockTarget: (run) => addPeerParams(run).router,
    steps: [
      {
        id: 'check',
        title: 'Check the name, key and subnets against the router',
        phase: 'plan',
        run: check,
      },
      {
        id: 'reserve',
        title: 'Reserve the tunnel address',
        phase: 'execute',
        run: reserve,
        async undo(ctx) {
          const params = addPeerParams(ctx.run);
          if (params.kind !== 'wireguard') return;
          const freed = await pool(ctx.deps).release(
            poolRefOf(ctx.deps.inventory, params.router),
            ctx.run.id,
          );
          return { detail: freed ? `${freed} is back in the pool` : 'no address was leased' };
        },
      },
      {
        id: 'configure',
        title: 'Add the peer on the router (commit-confirm, verify, confirm, save)',
        phase: 'execute',
        run: (ctx) =>
          addPeerParams(ctx.run).kind === 'wireguard'
            ? configureWireguardPeer(ctx)
            : configureSitePeer(ctx),
        undo: (ctx) =>
          removeOwnPeer(ctx, (snap) => {
            const params = addPeerParams(ctx.run);
            return params.kind === 'wireguard'
              ? renderWireguardPeerRemoval(ctx.run.target, snap.hub.wireguard.iface)
              : renderSitePeerRemoval(ctx.run.target, snap.hub);
          }),
      },
      {
        id: 'configure-standby',
        title: "Add the same peer on the hub's standby (commit-confirm, verify, confirm, save)",
        phase: 'execute',
        run: configureStandbyPeer,
        undo: removeStandbyPeer,
      },
      {
        id: 'deliver',
        title: 'Send the client configuration privately',
        phase: 'execute',
        run: deliver,
      },
    ],
    describePlan(run) {
      const params = addPeerParams(run);
      const check = resultOf<{ pool: string; iface: string; localAddress: string }>(run, 'check');
      if (params.kind === 'wireguard') {
        return [
          `Add WireGuard peer ${run.target} on ${params.router} (${check.iface ?? 'wg0'}), next free address of ${check.pool ?? 'the pool'}`,
          params.publicKey
            ? `Public key ${params.publicKey} (given: flatnet never sees the private key)`
            : `flatnet generates the key pair and sends the private half only to the requester`,
          'Apply with commit-confirm, verify, confirm, save; the same peer on the standby, if the router has one; send the client configuration privately',
        ];
      }
      return [
        `Add site-to-site peer ${run.target} (${params.remote}) on ${params.router}, ${params.mode === 'route' ? 'route-based (VTI)' : 'policy-based'}, subnets ${params.subnets.join(', ')}${params.bgpAsn !== undefined ? `, BGP AS ${params.bgpAsn}` : ''}`,
        `IKEv2 with the inventory's proposals, a generated pre-shared key, local-address ${check.localAddress ?? '(the hub private address)'}`,
        "Apply with commit-confirm, verify, confirm, save; the same peer on the standby (with the standby's own local-address), if the router has one; send the VyOS script and swanctl.conf privately",
      ];
    },
    summarize(run) {
      const params = addPeerParams(run);
      const configure = run.steps.find((s) => s.id === 'configure')?.detail ?? '';
      if (run.dryRun) return `${run.target} would be added on ${params.router}:\n${configure}`;
      // A run from the terminal has no Slack DM: its files were written locally (see step 3).
      const delivered =
        run.origin.kind === 'cli'
          ? 'were written to .flatnet/out/' + run.id + ' (mode 0600)'
          : `went privately to <@${run.requester}>`;
      const standby = standbyResultOf(run.steps.find((s) => s.id === 'configure-standby')?.result);
      const also = standby?.applied ? `, and on its standby ${standby.standby ?? '?'}` : '';
      const warning = standbyWarning(
        standby,
        `a failover would drop ${run.target}`,
        standbyFix(
          run.target,
          params.router,
          standby?.standby ?? 'the standby',
          params.kind === 'wireguard',
        ),
      );
      if (params.kind === 'wireguard') {
        return `${run.target} added on ${params.router} as ${resultOf<{ address: string }>(run, 'reserve').address ?? '?'} (WireGuard)${also}; the client configuration ${delivered}.${warning ? ` ${warning}` : ''}`;
      }
      return `site ${run.target} (${params.remote}) added on ${params.router}${also}; its VyOS script and swanctl.conf ${delivered}.${warning ? ` ${warning}` : ''}`;
    },
  };
}

/** How to bring a standby that was left behind into step, by hand (flatnet has no resync command yet). */
function standbyFix(name: string, primary: string, standby: string, wireguard: boolean): string {
  const copy = `once ${standby} runs, copy the lines of \`show configuration commands | match ${name}\` from ${primary} to ${standby}`;
  return wireguard
    ? `${copy} unchanged (or \`/vpn remove-peer ${name}\` and add it again)`
    : `${copy} with ${standby}'s own private address as local-address (or \`/vpn remove-peer ${name}\` and add it again)`;
}

/** How `/vpn add-peer …` becomes a run: inventory checks at once, self-service or approval per policy. */
export const addPeerPlanner: RunRequestPlanner = {
  plan: (command, { inventory, requester }) => planAddPeer(command, inventory, requester),
};

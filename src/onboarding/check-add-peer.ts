/**
 * add-peer's plan step: the name, key, remote and subnets against the hub as it runs now, and
 * against its standby (which gets the peer too): a clash refuses the run before anything
 * changes. It saves where the peer goes: the WireGuard pool, or the site's hub addresses.
 */
import type { TypedStepContext } from '../runbook/define-step.js';
import { BadInputError } from '../errors.js';
import { addPeerParams } from './add-peer-request.js';
import { checkKeyIsNotTheRouters } from '../vyos/validate-network-input.js';
import { checkPeerIsNew } from './check-peer-is-new.js';
import { checkKeyAgainstFleet, wireguardKeysOf } from './check-key-in-fleet.js';
import { mapBounded } from '../util/map-bounded.js';
import type { ConfigLine } from '../vyos/types.js';
import { readRouter, type OnboardingDeps } from './onboarding-deps.js';
import { reachStandby } from './reach-standby.js';
import { readHubConfig } from './read-hub-config.js';
import { poolRefOf } from './wireguard-pool.js';
import { siteTunnelRole } from '../config/site-tunnels.js';
import { checkPartnerRoutes, partnerOf } from './site-backup.js';

/**
 * The key against the WireGuard keys of every router of the inventory (read at once, a few at
 * a time), beside the target and its standby already read. Returns the routers that did not
 * answer: the plan goes on without them, and says so.
 */
async function checkKeyOnEveryRouter(
  deps: OnboardingDeps,
  key: string,
  read: Array<{ router: string; lines: ConfigLine[] }>,
): Promise<string[]> {
  const others = Object.keys(deps.inventory.routers).filter(
    (r) => !read.some((x) => x.router === r),
  );
  const answers = await mapBounded(others, 8, async (router) => {
    try {
      return { router, lines: await deps.routers.router(router).runningConfig() };
    } catch {
      return { router, lines: undefined };
    }
  });
  const known = [...read, ...answers].flatMap((a) =>
    a.lines ? wireguardKeysOf(a.router, a.lines) : [],
  );
  checkKeyAgainstFleet(key, known, new Set(read.map((x) => x.router)));
  return answers.filter((a) => !a.lines).map((a) => a.router);
}

export async function checkAddPeer(ctx: TypedStepContext<OnboardingDeps>) {
  const { deps, run } = ctx;
  const params = addPeerParams(run);
  const snap = await readRouter(deps, params.router);
  const partner = partnerOf(deps.inventory, run.target);
  checkPeerIsNew(snap.hub, params.router, run.target, params, run.id, partner);
  if (params.kind === 'ipsec')
    checkPartnerRoutes(
      snap.hub,
      siteTunnelRole(deps.inventory, run.target),
      params.router,
      params.subnets,
    );
  // The standby gets the peer too: refuse now, before anything changes, if it clashes there.
  const standby = await reachStandby(deps, params.router);
  if (standby.kind === 'ready')
    checkPeerIsNew(
      readHubConfig(standby.lines, snap.hub.wireguard.iface),
      standby.name,
      run.target,
      params,
      run.id,
      partner,
    );
  const onStandby =
    standby.kind === 'none'
      ? ''
      : standby.kind === 'ready'
        ? `; also on the standby ${standby.name}`
        : `; the standby ${standby.name} cannot be updated now (${standby.reason})`;
  if (params.kind === 'wireguard') {
    const ref = poolRefOf(deps.inventory, params.router);
    // The standby shares the interface's private key, so the primary's answer covers both.
    if (params.publicKey !== undefined)
      checkKeyIsNotTheRouters(params.publicKey, params.router, [
        (await deps.routers.router(params.router).wireguard(ref.iface)).publicKey,
        deps.inventory.routers[params.router]?.wireguard?.publicKey,
      ]);
    const unread =
      params.publicKey === undefined
        ? []
        : await checkKeyOnEveryRouter(deps, params.publicKey, [
            { router: params.router, lines: snap.lines },
            ...(standby.kind === 'ready' ? [{ router: standby.name, lines: standby.lines }] : []),
          ]);
    const peers = snap.hub.wireguard.peers.length;
    return {
      result: {
        router: params.router,
        iface: ref.iface,
        pool: ref.pool,
        keyGiven: params.publicKey !== undefined,
      },
      detail:
        `${run.target} is free on ${params.router} (${ref.iface}, pool ${ref.pool}, ` +
        `${peers} peers)${onStandby}` +
        (unread.length > 0 ? `; the key was not compared on ${unread.join(', ')} (no answer)` : ''),
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
    detail:
      `${run.target} (${params.remote}) is new on ${params.router}; ` +
      `local-address ${instance.privateIp}, id ${hubPublicAddress}${onStandby}`,
  };
}

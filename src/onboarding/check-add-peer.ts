/**
 * add-peer's plan step: the name, key, remote and subnets against the hub as it runs now, and
 * against its standby (which gets the peer too): a clash refuses the run before anything
 * changes. It saves where the peer goes: the WireGuard pool, or the site's hub addresses.
 */
import type { TypedStepContext } from '../runbook/define-step.js';
import { BadInputError } from '../errors.js';
import { addPeerParams } from './add-peer-request.js';
import { checkPeerIsNew } from './check-peer-is-new.js';
import {
  checkKeyAgainstFleet,
  checkKeyIsNotTheRouters,
  wireguardKeysOf,
} from './check-key-in-fleet.js';
import { readFleetKeys } from './read-fleet-keys.js';
import { createFleetKeyCache } from './fleet-key-cache.js';
import type { ConfigLine } from '../vyos/types.js';
import type { Logger } from '../log.js';
import { readRouter, type OnboardingDeps } from './onboarding-deps.js';
import { reachStandby } from './reach-standby.js';
import { readHubConfig } from './read-hub-config.js';
import { poolRefOf } from './wireguard-pool.js';
import { siteTunnelRole } from '../config/site-tunnels.js';
import { checkPartnerRoutes, partnerOf } from './site-backup.js';

/**
 * A given key against the target router's own (as it reports it and as the inventory says;
 * the standby shares the interface's private key, so the primary's answer covers both), then
 * against the WireGuard keys of every router of the inventory (the others read now, a few at
 * a time), beside the target and its standby already read; a router that does not answer,
 * with the public keys it held when last read. Returns the routers that did not answer and were
 * never read before: the plan goes on without them, and says so.
 */
async function checkGivenKey(
  deps: OnboardingDeps,
  log: Logger,
  key: string,
  router: string,
  read: Array<{ router: string; lines: ConfigLine[] }>,
): Promise<string[]> {
  const { iface } = poolRefOf(deps.inventory, router);
  checkKeyIsNotTheRouters(key, router, [
    (await deps.routers.router(router).wireguard(iface)).publicKey,
    deps.inventory.routers[router]?.wireguard?.publicKey,
  ]);
  const others = Object.keys(deps.inventory.routers).filter(
    (r) => !read.some((x) => x.router === r),
  );
  const fleet = await readFleetKeys(deps.routers, others, {
    onUnanswered: (router, err) => log.warn({ err, router }, 'router did not give its keys'),
    // A router that does not answer is compared with the public keys it held when last read.
    cache: createFleetKeyCache(deps.redis, deps.prefix),
    onCacheError: (router, err) => log.warn({ err, router }, 'router keys not kept in Redis'),
  });
  const known = [...read.flatMap((a) => wireguardKeysOf(a.router, a.lines)), ...fleet.known];
  checkKeyAgainstFleet(key, known, new Set(read.map((x) => x.router)));
  return fleet.unread;
}

export async function checkAddPeer(ctx: TypedStepContext<OnboardingDeps>) {
  const { deps, run } = ctx;
  const params = addPeerParams(run);
  const snap = await readRouter(deps, params.router);
  // The standby gets the peer too: refuse now, before anything changes, if it clashes there.
  const standby = await reachStandby(deps, params.router);
  // The key first: a private key must be refused (and dropped from the record) whatever else
  // is wrong with the command.
  const unread =
    params.kind === 'wireguard' && params.publicKey !== undefined
      ? await checkGivenKey(deps, ctx.log, params.publicKey, params.router, [
          { router: params.router, lines: snap.lines },
          ...(standby.kind === 'ready' ? [{ router: standby.name, lines: standby.lines }] : []),
        ])
      : [];
  const partner = partnerOf(deps.inventory, run.target);
  checkPeerIsNew(snap.hub, params.router, run.target, params, run.id, partner);
  if (params.kind === 'ipsec')
    checkPartnerRoutes(
      snap.hub,
      siteTunnelRole(deps.inventory, run.target),
      params.router,
      params.subnets,
    );
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
        (unread.length > 0
          ? `; the key was not compared on ${unread.join(', ')} (no answer, never read before)`
          : ''),
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

/**
 * The checks that need the router: the name is free on it, the key or the site is not
 * already a peer, a site's subnets overlap no other peer's. Run in the plan step (the
 * answer comes before any approval) and again under the router's lease just before the
 * change, because another run may have added the same peer in between.
 */
import { BadInputError } from '../errors.js';
import { cidrsOverlap } from '../net/cidr.js';
import { refuseKey } from './check-key-in-fleet.js';
import type { AddPeerParams } from './add-peer-request.js';
import { isOwnedBy, peerPrefixes, type HubConfig } from './read-hub-config.js';

/** The run's own peer from an earlier attempt (a resumed run), by the marker it wrote. */
export function ownPeerOf(
  hub: HubConfig,
  name: string,
  runId: string,
): 'wireguard' | 'ipsec' | undefined {
  if (hub.wireguard.peers.some((p) => p.name === name && isOwnedBy(p.description, runId)))
    return 'wireguard';
  if (hub.ipsec.some((p) => p.name === name && isOwnedBy(p.description, runId))) return 'ipsec';
  return undefined;
}

export function checkPeerIsNew(
  hub: HubConfig,
  router: string,
  name: string,
  params: AddPeerParams,
  runId: string,
  /** The other tunnel of a site with a backup (inventory `sites:`): it shares the subnets. */
  partner?: string,
): void {
  const own = (description: string | undefined) => isOwnedBy(description, runId);
  const taken = [
    ...hub.wireguard.peers.filter((p) => p.name === name && !own(p.description)),
    ...hub.ipsec.filter((p) => p.name === name && !own(p.description)),
  ];
  if (taken.length > 0) {
    throw new BadInputError(
      `${router} already has a peer named ${name}`,
      'peer names are unique per router: choose another name, or ' +
        `remove the old peer first with \`/vpn remove-peer ${name}\``,
    );
  }
  if (params.kind === 'wireguard') {
    const key = params.publicKey;
    const holder =
      key === undefined
        ? undefined
        : hub.wireguard.peers.find((p) => p.publicKey === key && !own(p.description));
    if (holder)
      throw refuseKey(
        `this public key is already peer ${holder.name} on ${router}`,
        'each device needs its own key pair: generate a new ' +
          'one (`wg genkey | wg pubkey`) or leave --pubkey out',
      );
    return;
  }
  const sameRemote = hub.ipsec.find(
    (p) => p.remoteAddress === params.remote && !own(p.description),
  );
  if (sameRemote)
    throw new BadInputError(
      `${params.remote} is already site-to-site peer ${sameRemote.name} on ${router}`,
      `one peer per remote address: change ${sameRemote.name} instead, or remove it first`,
    );
  for (const subnet of params.subnets) {
    const clash = peerPrefixes(hub).find(
      (p) => p.peer !== name && p.peer !== partner && cidrsOverlap(p.prefix, subnet),
    );
    if (clash)
      throw new BadInputError(
        `--subnets: ${subnet} overlaps ${clash.prefix} of peer ${clash.peer} on ${router}`,
        'two peers cannot own the same addresses: renumber the site or NAT it',
      );
  }
}

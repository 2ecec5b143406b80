/**
 * Does the receiving router carry the giving router's tunnels? Failing over to a standby that
 * lacks a peer drops that peer's tunnel for as long as the failover lasts, and a peer whose
 * local-address is not the receiver's own private address never comes up (strongSwan binds
 * it; on EC2 the Elastic IP is NAT'd to the private address). Both are refusals, named.
 */
import type { SiteTunnels } from '../vyos/read-site-tunnels.js';

export interface TunnelGaps {
  /** Site-to-site peers the giver has and the receiver does not (or has disabled). */
  missingPeers: string[];
  /** BGP neighbours the giver has and the receiver does not (or has shut down). */
  missingBgp: string[];
  /** Peers both have, pointing at different remote addresses. */
  otherRemote: Array<{ peer: string; giver: string; receiver: string }>;
  /** The receiver's peers bound to an address that is not its own. */
  foreignLocal: Array<{ peer: string; localAddress: string }>;
}

export function compareSiteTunnels(
  giver: SiteTunnels,
  receiver: SiteTunnels,
  receiverPrivateIp: string,
): TunnelGaps {
  const theirs = new Map(receiver.peers.map((p) => [p.name, p]));
  const active = giver.peers.filter((p) => !p.disabled);
  const missingPeers = active
    .filter((p) => !theirs.get(p.name) || theirs.get(p.name)!.disabled)
    .map((p) => p.name);
  const otherRemote = active.flatMap((p) => {
    const other = theirs.get(p.name);
    return other &&
      p.remoteAddress &&
      other.remoteAddress &&
      other.remoteAddress !== p.remoteAddress
      ? [{ peer: p.name, giver: p.remoteAddress, receiver: other.remoteAddress }]
      : [];
  });
  const bgp = new Set(receiver.bgpNeighbors);
  const missingBgp = giver.bgpNeighbors.filter((n) => !bgp.has(n));
  // `any` (or no local-address) lets strongSwan pick the interface address: fine on EC2.
  const foreignLocal = receiver.peers
    .filter(
      (p) =>
        !p.disabled &&
        p.localAddress !== undefined &&
        p.localAddress !== 'any' &&
        p.localAddress !== receiverPrivateIp,
    )
    .map((p) => ({ peer: p.name, localAddress: p.localAddress! }));
  return { missingPeers, missingBgp, otherRemote, foreignLocal };
}

/** The refusal, in the operator's words, or undefined when the receiver carries everything. */
export function describeTunnelGaps(
  gaps: TunnelGaps,
  giver: string,
  receiver: string,
  receiverPrivateIp: string,
): string | undefined {
  const parts: string[] = [];
  if (gaps.missingPeers.length > 0)
    parts.push(
      `${receiver} lacks the site-to-site peer${gaps.missingPeers.length === 1 ? '' : 's'} ` +
        `${gaps.missingPeers.join(', ')} that ${giver} has`,
    );
  if (gaps.missingBgp.length > 0)
    parts.push(
      `${receiver} lacks the BGP neighbour${gaps.missingBgp.length === 1 ? '' : 's'} ` +
        `${gaps.missingBgp.join(', ')}`,
    );
  for (const o of gaps.otherRemote)
    parts.push(
      `peer ${o.peer} points at ${o.receiver} on ${receiver} but at ${o.giver} on ${giver}`,
    );
  if (gaps.foreignLocal.length > 0) {
    parts.push(
      `${receiver}'s peer${gaps.foreignLocal.length === 1 ? '' : 's'} ` +
        gaps.foreignLocal.map((f) => `${f.peer} (local-address ${f.localAddress})`).join(', ') +
        ` ${gaps.foreignLocal.length === 1 ? 'is' : 'are'} not bound to ` +
        `its own address ${receiverPrivateIp}`,
    );
  }
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/**
 * WireGuard peers the giver has and the receiver lacks (matched by public key, else by name).
 * Not a refusal: in an emergency the approver may accept that those people lose the VPN
 * until the failback; the plan names them so the choice is made knowingly.
 */
export function missingWireguardPeers(giver: SiteTunnels, receiver: SiteTunnels): string[] {
  const keys = new Set(receiver.wireguardPeers.flatMap((p) => (p.publicKey ? [p.publicKey] : [])));
  const names = new Set(receiver.wireguardPeers.map((p) => p.name));
  return giver.wireguardPeers
    .filter((p) => (p.publicKey ? !keys.has(p.publicKey) : !names.has(p.name)))
    .map((p) => p.name);
}

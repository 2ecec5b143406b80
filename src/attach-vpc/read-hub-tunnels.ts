/**
 * The hub's IPsec peers, VTIs and BGP neighbours as its running configuration states them.
 * attach-vpc decides "already attached" from remote addresses, not from names: a VPC attached
 * by hand (or by an older flatnet) under another name must not get a second pair of tunnels.
 */
import type { ConfigLine } from '../vyos/types.js';

export interface HubPeer {
  name: string;
  remoteAddress?: string;
  vti?: string;
}

export interface HubTunnels {
  peers: Map<string, HubPeer>;
  /** Numbers of every `interfaces vti vtiN` present. */
  vtiNumbers: Set<number>;
  neighbors: Set<string>;
  systemAs?: number;
}

export function readHubTunnels(lines: readonly ConfigLine[]): HubTunnels {
  const hub: HubTunnels = { peers: new Map(), vtiNumbers: new Set(), neighbors: new Set() };
  const peer = (name: string): HubPeer => {
    let p = hub.peers.get(name);
    if (!p) hub.peers.set(name, (p = { name }));
    return p;
  };
  for (const { op, path, value } of lines) {
    if (op !== 'set') continue;
    const [a, b, c, d, e, f] = path;
    if (a === 'vpn' && b === 'ipsec' && c === 'site-to-site' && d === 'peer' && e !== undefined) {
      const p = peer(e);
      if (f === 'remote-address' && value) p.remoteAddress = value;
      if (f === 'vti' && path[6] === 'bind' && value) p.vti = value;
    } else if (a === 'interfaces' && b === 'vti' && c !== undefined) {
      const m = /^vti(\d{1,4})$/.exec(c);
      if (m) hub.vtiNumbers.add(Number(m[1]));
    } else if (a === 'protocols' && b === 'bgp' && c === 'neighbor' && d !== undefined) {
      hub.neighbors.add(d);
    } else if (
      a === 'protocols' &&
      b === 'bgp' &&
      c === 'system-as' &&
      value &&
      /^\d+$/.test(value)
    ) {
      hub.systemAs = Number(value);
    }
  }
  return hub;
}

/** The hub's peer whose remote address is `address`, if any. */
export function peerTo(hub: HubTunnels, address: string): HubPeer | undefined {
  for (const p of hub.peers.values()) if (p.remoteAddress === address) return p;
  return undefined;
}

/**
 * The parts of a router's active configuration the tunnel oracle needs, read from its `set`
 * lines. The oracle works from configuration, not from names: a replaced router whose copied
 * configuration still carries the old private address really does lose its tunnels.
 */
import { parseConfigCommands } from '../../vyos/parse-config-commands.js';

export interface IpsecPeerView {
  name: string;
  remoteAddress?: string;
  localAddress?: string;
  /** The pre-shared key the peer authenticates with. Secret: never log. */
  psk?: string;
  /** Route-based: the VTI the peer binds. */
  vti?: string;
  /** Policy-based tunnel numbers. */
  tunnels: string[];
  disabled: boolean;
}

export interface BgpNeighborView {
  address: string;
  remoteAs?: string;
  shutdown: boolean;
}

export interface RouterConfigView {
  peers: Map<string, IpsecPeerView>;
  /** VTI name → its addresses without prefix length (`169.254.1.1`). */
  vtiAddresses: Map<string, string[]>;
  neighbors: Map<string, BgpNeighborView>;
  /** WireGuard peers by interface, as public keys. */
  wireguardKeys: Map<string, Set<string>>;
  /** Networks announced by BGP. */
  bgpNetworks: string[];
}

export function readRouterConfig(lines: readonly string[]): RouterConfigView {
  const view: RouterConfigView = {
    peers: new Map(),
    vtiAddresses: new Map(),
    neighbors: new Map(),
    wireguardKeys: new Map(),
    bgpNetworks: [],
  };
  const pskSecrets = new Map<string, string>();
  const pskIds = new Map<string, string[]>();
  const remoteIds = new Map<string, string>();
  const parsed = lines.length === 0 ? [] : parseConfigCommands(lines.join('\n'));
  const peer = (name: string): IpsecPeerView => {
    let p = view.peers.get(name);
    if (!p) view.peers.set(name, (p = { name, tunnels: [], disabled: false }));
    return p;
  };
  for (const { op, path, value } of parsed) {
    if (op !== 'set') continue;
    const [a, b, c, d, e, f] = path;
    if (a === 'vpn' && b === 'ipsec' && c === 'site-to-site' && d === 'peer' && e !== undefined) {
      const p = peer(e);
      const rest = path.slice(5).join(' ');
      if (rest === 'remote-address' && value) p.remoteAddress = value;
      else if (rest === 'local-address' && value) p.localAddress = value;
      else if (rest === 'vti bind' && value) p.vti = value;
      else if (rest === 'disable') p.disabled = true;
      else if (rest === 'authentication remote-id' && value) remoteIds.set(e, value);
      else if (f === 'tunnel' && path[6] !== undefined && !p.tunnels.includes(path[6]))
        p.tunnels.push(path[6]);
    } else if (
      a === 'vpn' &&
      b === 'ipsec' &&
      c === 'authentication' &&
      d === 'psk' &&
      e !== undefined &&
      value
    ) {
      if (f === 'secret') pskSecrets.set(e, value);
      else if (f === 'id') pskIds.set(e, [...(pskIds.get(e) ?? []), value]);
    } else if (a === 'interfaces' && b === 'vti' && c !== undefined && d === 'address' && value) {
      view.vtiAddresses.set(c, [...(view.vtiAddresses.get(c) ?? []), value.split('/')[0]!]);
    } else if (
      a === 'interfaces' &&
      b === 'wireguard' &&
      c !== undefined &&
      d === 'peer' &&
      f === 'public-key' &&
      value
    ) {
      const keys = view.wireguardKeys.get(c) ?? new Set<string>();
      keys.add(value);
      view.wireguardKeys.set(c, keys);
    } else if (
      a === 'protocols' &&
      b === 'bgp' &&
      c === 'address-family' &&
      d === 'ipv4-unicast' &&
      e === 'network' &&
      f !== undefined
    ) {
      if (!view.bgpNetworks.includes(f)) view.bgpNetworks.push(f);
    } else if (a === 'protocols' && b === 'bgp' && c === 'neighbor' && d !== undefined) {
      const n = view.neighbors.get(d) ?? { address: d, shutdown: false };
      if (e === 'remote-as' && value) n.remoteAs = value;
      if (e === 'shutdown') n.shutdown = true;
      view.neighbors.set(d, n);
    }
  }
  // 1.4 keys PSKs by id, not by peer: a peer's key is the entry named like it, or the one
  // whose ids name its remote address (or remote id).
  for (const p of view.peers.values()) {
    const direct = pskSecrets.get(p.name);
    if (direct !== undefined) {
      p.psk = direct;
      continue;
    }
    const wanted = [p.remoteAddress, remoteIds.get(p.name)].filter(
      (x): x is string => x !== undefined,
    );
    for (const [entry, ids] of pskIds) {
      if (ids.some((i) => wanted.includes(i)) && pskSecrets.has(entry)) {
        p.psk = pskSecrets.get(entry);
        break;
      }
    }
  }
  return view;
}

/** The peer whose VTI carries this BGP neighbour (the neighbour sits in the VTI's /30). */
export function peerCarryingNeighbor(
  view: RouterConfigView,
  neighbor: string,
): IpsecPeerView | undefined {
  const [a, b, c, d] = neighbor.split('.').map(Number);
  if (d === undefined) return undefined;
  for (const p of view.peers.values()) {
    if (!p.vti) continue;
    for (const address of view.vtiAddresses.get(p.vti) ?? []) {
      const [w, x, y, z] = address.split('.').map(Number);
      // Same /30: everything but the last two bits agrees.
      if (w === a && x === b && y === c && z !== undefined && z >> 2 === d >> 2) return p;
    }
  }
  return undefined;
}

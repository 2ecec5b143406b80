/**
 * The tunnels a router's configuration declares, read from `show configuration commands`:
 * each site-to-site peer with its addresses and the names strongSwan gives its child SAs
 * (`<peer>-vti` route-based, `<peer>-tunnel-<N>` policy-based), and the BGP neighbours.
 * From the configuration and not from `show vpn ipsec sa`, because a real VyOS lists only SAs
 * that exist: a warm standby, which holds no Elastic IP, shows none at all.
 */
import type { ConfigLine } from './types.js';

export interface SitePeer {
  name: string;
  localAddress?: string;
  remoteAddress?: string;
  disabled: boolean;
  /** Child SA names as `show vpn ipsec sa` prints them once up. */
  children: string[];
}

export interface SiteTunnels {
  peers: SitePeer[];
  /** BGP neighbours that are not shut down. */
  bgpNeighbors: string[];
  /** WireGuard peers (every interface), by name, with their public key when configured. */
  wireguardPeers: Array<{ name: string; publicKey?: string }>;
}

export function readSiteTunnels(lines: readonly ConfigLine[]): SiteTunnels {
  const peers = new Map<string, { peer: SitePeer; vti: boolean; tunnels: Set<string> }>();
  const neighbors = new Map<string, boolean>();
  const wireguard = new Map<string, { name: string; publicKey?: string }>();
  for (const line of lines) {
    if (line.op !== 'set') continue;
    const p = line.path;
    if (p[0] === 'vpn' && p[1] === 'ipsec' && p[2] === 'site-to-site' && p[3] === 'peer' && p[4]) {
      let entry = peers.get(p[4]);
      if (!entry) {
        entry = {
          peer: { name: p[4], disabled: false, children: [] },
          vti: false,
          tunnels: new Set(),
        };
        peers.set(p[4], entry);
      }
      if (p[5] === 'local-address' && line.value) entry.peer.localAddress = line.value;
      if (p[5] === 'remote-address' && line.value) entry.peer.remoteAddress = line.value;
      if (p[5] === 'disable') entry.peer.disabled = true;
      if (p[5] === 'vti') entry.vti = true;
      if (p[5] === 'tunnel' && p[6] !== undefined) entry.tunnels.add(p[6]);
    } else if (p[0] === 'interfaces' && p[1] === 'wireguard' && p[3] === 'peer' && p[4]) {
      const peer = wireguard.get(p[4]) ?? { name: p[4] };
      wireguard.set(p[4], peer);
      if (p[5] === 'public-key' && line.value) peer.publicKey = line.value;
    } else if (p[0] === 'protocols' && p[1] === 'bgp') {
      // 1.4+: `protocols bgp neighbor X`; 1.3: `protocols bgp <asn> neighbor X`.
      const at = p[2] === 'neighbor' ? 3 : p[3] === 'neighbor' ? 4 : -1;
      const address = at > 0 ? p[at] : undefined;
      if (address)
        neighbors.set(address, (neighbors.get(address) ?? false) || p[at + 1] === 'shutdown');
    }
  }
  return {
    peers: [...peers.values()].map(({ peer, vti, tunnels }) => ({
      ...peer,
      children: [
        ...(vti ? [`${peer.name}-vti`] : []),
        ...[...tunnels]
          .sort((a, b) => Number(a) - Number(b))
          .map((n) => `${peer.name}-tunnel-${n}`),
      ],
    })),
    bgpNeighbors: [...neighbors].filter(([, shutdown]) => !shutdown).map(([address]) => address),
    wireguardPeers: [...wireguard.values()],
  };
}

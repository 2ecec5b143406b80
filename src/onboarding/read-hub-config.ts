/**
 * What a router already has, read from its running configuration (`show configuration
 * commands`): the router is the source of truth for peers, addresses and tunnels, whoever
 * configured them (flatnet or a person by hand).
 */
import type { ConfigLine } from '../vyos/types.js';

export interface WireguardPeerConfig {
  name: string;
  publicKey?: string;
  allowedIps: string[];
  description?: string;
}

export interface IpsecPeerConfig {
  name: string;
  remoteAddress?: string;
  localAddress?: string;
  description?: string;
  /** The VTI it binds (route-based), e.g. `vti10`. */
  vti?: string;
  /** Remote prefixes of its policy-based tunnels. */
  remotePrefixes: string[];
}

export interface HubConfig {
  wireguard: { iface: string; addresses: string[]; peers: WireguardPeerConfig[] };
  ipsec: IpsecPeerConfig[];
  /** VTI name → its addresses. */
  vtis: Map<string, string[]>;
  /** Static routes that leave through an interface (route-based peers' subnets). */
  staticRoutes: Array<{ prefix: string; via: string }>;
  /** `protocols failover` next hops (a site with a backup tunnel): `via` is the interface. */
  failoverRoutes: Array<{ prefix: string; nextHop: string; via?: string }>;
  bgpNeighbors: string[];
  /** Prefixes announced with BGP `network` statements. */
  announced: string[];
  /** Prefixes with a `dhcp-interface` static route (import-check anchors, hub-announcements.ts). */
  anchored: string[];
  /** Names of the prefix-lists (a BGP site's inbound filter, plan-ipsec-peer.ts). */
  prefixLists: string[];
}

const startsWith = (line: ConfigLine, ...words: string[]) =>
  line.op === 'set' && words.every((w, i) => line.path[i] === w);

export function readHubConfig(lines: ConfigLine[], iface = 'wg0'): HubConfig {
  const wgPeers = new Map<string, WireguardPeerConfig>();
  const wgAddresses: string[] = [];
  const ipsec = new Map<string, IpsecPeerConfig>();
  const vtis = new Map<string, string[]>();
  const staticRoutes: Array<{ prefix: string; via: string }> = [];
  const failover = new Map<string, { prefix: string; nextHop: string; via?: string }>();
  const bgpNeighbors = new Set<string>();
  const announced = new Set<string>();
  const anchored = new Set<string>();
  const prefixLists = new Set<string>();

  for (const line of lines) {
    const p = line.path;
    if (startsWith(line, 'interfaces', 'wireguard', iface)) {
      if (p[3] === 'address' && line.value) wgAddresses.push(line.value);
      if (p[3] === 'peer' && p[4]) {
        const peer = wgPeers.get(p[4]) ?? { name: p[4], allowedIps: [] };
        wgPeers.set(p[4], peer);
        if (p[5] === 'public-key' && line.value) peer.publicKey = line.value;
        if (p[5] === 'allowed-ips' && line.value) peer.allowedIps.push(line.value);
        if (p[5] === 'description' && line.value) peer.description = line.value;
      }
    } else if (startsWith(line, 'vpn', 'ipsec', 'site-to-site', 'peer') && p[4]) {
      const peer = ipsec.get(p[4]) ?? { name: p[4], remotePrefixes: [] };
      ipsec.set(p[4], peer);
      if (p[5] === 'remote-address' && line.value) peer.remoteAddress = line.value;
      if (p[5] === 'local-address' && line.value) peer.localAddress = line.value;
      if (p[5] === 'description' && line.value) peer.description = line.value;
      if (p[5] === 'vti' && p[6] === 'bind' && line.value) peer.vti = line.value;
      if (p[5] === 'tunnel' && p[7] === 'remote' && p[8] === 'prefix' && line.value)
        peer.remotePrefixes.push(line.value);
    } else if (startsWith(line, 'interfaces', 'vti') && p[2]) {
      const addresses = vtis.get(p[2]) ?? [];
      vtis.set(p[2], addresses);
      if (p[3] === 'address' && line.value) addresses.push(line.value);
    } else if (startsWith(line, 'protocols', 'static', 'route') && p[3]) {
      // 1.4: `route X interface vti10`; `route X next-hop Y` is not a peer's.
      if (p[4] === 'interface' && p[5]) staticRoutes.push({ prefix: p[3], via: p[5] });
      if (p[4] === 'dhcp-interface') anchored.add(p[3]);
    } else if (startsWith(line, 'protocols', 'failover', 'route') && p[3] && p[5]) {
      const key = `${p[3]} ${p[5]}`;
      const hop = failover.get(key) ?? { prefix: p[3], nextHop: p[5] };
      failover.set(key, hop);
      if (p[6] === 'interface' && line.value) hop.via = line.value;
    } else if (startsWith(line, 'protocols', 'bgp', 'address-family', 'ipv4-unicast', 'network')) {
      if (p[5]) announced.add(p[5]);
    } else if (startsWith(line, 'protocols', 'bgp', 'neighbor') && p[3]) {
      bgpNeighbors.add(p[3]);
    } else if (startsWith(line, 'policy', 'prefix-list') && p[2]) {
      prefixLists.add(p[2]);
    }
  }
  return {
    wireguard: { iface, addresses: wgAddresses, peers: [...wgPeers.values()] },
    ipsec: [...ipsec.values()],
    vtis,
    staticRoutes,
    failoverRoutes: [...failover.values()],
    bgpNeighbors: [...bgpNeighbors],
    announced: [...announced],
    anchored: [...anchored],
    prefixLists: [...prefixLists],
  };
}

/**
 * Every prefix some peer already reaches through the router: what a new site's subnets must not
 * overlap.
 */
export function peerPrefixes(hub: HubConfig): Array<{ peer: string; prefix: string }> {
  const byVti = new Map(hub.ipsec.filter((p) => p.vti).map((p) => [p.vti!, p.name]));
  return [
    ...hub.wireguard.peers.flatMap((p) => p.allowedIps.map((prefix) => ({ peer: p.name, prefix }))),
    ...hub.ipsec.flatMap((p) => p.remotePrefixes.map((prefix) => ({ peer: p.name, prefix }))),
    ...hub.staticRoutes
      .filter((r) => byVti.has(r.via))
      .map((r) => ({ peer: byVti.get(r.via)!, prefix: r.prefix })),
    ...hub.failoverRoutes
      .filter((r) => r.via !== undefined && byVti.has(r.via))
      .map((r) => ({ peer: byVti.get(r.via!)!, prefix: r.prefix })),
  ];
}

/**
 * The pre-shared key of a site-to-site peer as the router holds it. Read back when the site's
 * files are sent, so the key lives on the router only and is never stored by flatnet.
 */
export function readPresharedKey(lines: ConfigLine[], peer: string): string | undefined {
  return lines.find((l) => startsWith(l, 'vpn', 'ipsec', 'authentication', 'psk', peer, 'secret'))
    ?.value;
}

/** The marker flatnet writes on the peers it adds, so a resumed run recognises its own work. */
export function ownerMark(runId: string): string {
  return `flatnet ${runId}`;
}

export function isOwnedBy(description: string | undefined, runId: string): boolean {
  return (
    description !== undefined &&
    description.split(' ').includes(runId) &&
    description.startsWith('flatnet ')
  );
}

/**
 * What the hub announces by BGP so that the VGWs and BGP sites reach the whole flat network
 * (docs/flat-network.md). The spokes' and VGW VPCs' prefixes need nothing: BGP passes them on
 * (VyOS runs FRR without ebgp-requires-policy). What BGP does not carry is announced with
 * `network` statements, read from the router's own configuration (the source of truth):
 *   - the hub's own VPC (the inventory VPC that holds the hub's private address),
 *   - its WireGuard pool (the interface's network),
 *   - the office and the sites: policy tunnels' remote prefixes, static routes into a VTI.
 * FRR announces a `network` only while the routing table holds that exact prefix (`bgp network
 * import-check`, on since FRR 7.4). The pool is connected and a static site has its route; the
 * hub's VPC (only the subnet of eth0 is connected) and a policy tunnel's remote prefix have none,
 * so they get an anchor: `static route <p> dhcp-interface eth0`, i.e. via the VPC router, which is
 * where that traffic went anyway (the DHCP default route). It is no blackhole: for a policy
 * tunnel the kernel looks the route up first and the XFRM policy then encrypts the packet.
 */
import type { Inventory } from '../config/inventory-schema.js';
import { cidrContains, formatCidr, parseCidr } from '../net/cidr.js';
import { del, set } from '../vyos/config-line.js';
import type { ConfigLine } from '../vyos/types.js';
import { peerPrefixes, readHubConfig } from './read-hub-config.js';

const NETWORK = ['protocols', 'bgp', 'address-family', 'ipv4-unicast', 'network'];

/** The prefixes the router announces with `network` statements today. */
export function announcedNetworks(lines: readonly ConfigLine[]): Set<string> {
  return new Set(
    lines
      .filter((l) => l.op === 'set' && NETWORK.every((w, i) => l.path[i] === w) && l.path[5])
      .map((l) => l.path[5]!),
  );
}

/** Everything the hub should announce, whether it does already or not. */
export function wantedAnnouncements(
  inventory: Inventory,
  hubPrivateIp: string,
  lines: ConfigLine[],
): string[] {
  const hub = readHubConfig(lines);
  const ownVpcs = Object.values(inventory.regions)
    .flatMap((r) => r.vpcs)
    .filter((v) => cidrContains(v.cidr, hubPrivateIp))
    .map((v) => v.cidr);
  const pools = hub.wireguard.addresses.flatMap((a) => {
    const net = parseCidr(a);
    return net && net.prefix < 32 ? [formatCidr(net)] : [];
  });
  const wireguardPeers = new Set(hub.wireguard.peers.map((p) => p.name));
  const sites = peerPrefixes(hub)
    .filter((p) => !wireguardPeers.has(p.peer))
    .map((p) => p.prefix);
  return [...new Set([...ownVpcs, ...pools, ...sites])];
}

/** What the hub lacks to announce one prefix: the `network` statement, an anchor route, or both. */
export interface Announcement {
  prefix: string;
  /** The `network` statement is missing. */
  network: boolean;
  /** The interface of the `dhcp-interface` anchor route, when no exact route exists. */
  anchor?: string;
}

/** Prefixes the configuration gives an exact route: connected networks, static and failover. */
function exactRoutes(lines: readonly ConfigLine[]): Set<string> {
  const found = new Set<string>();
  for (const l of lines) {
    if (l.op !== 'set') continue;
    const [a, b, c, d] = l.path;
    // A failover route (a site with a backup tunnel) is a kernel route while a tunnel answers.
    if (a === 'protocols' && (b === 'static' || b === 'failover') && c === 'route' && d)
      found.add(d);
    if (a === 'interfaces' && l.path[3] === 'address' && l.value) {
      const net = parseCidr(l.value);
      if (net) found.add(formatCidr(net));
    }
  }
  return found;
}

/** The interface that takes its address by DHCP (the VPC side on EC2), eth0 when none says so. */
function outsideInterface(lines: readonly ConfigLine[]): string {
  const dhcp = lines.find(
    (l) =>
      l.op === 'set' &&
      l.path[0] === 'interfaces' &&
      l.path[1] === 'ethernet' &&
      l.path[3] === 'address' &&
      l.value === 'dhcp',
  );
  return dhcp?.path[2] ?? 'eth0';
}

/** The announcements the hub lacks. */
export function missingAnnouncements(
  inventory: Inventory,
  hubPrivateIp: string,
  lines: ConfigLine[],
): Announcement[] {
  const present = announcedNetworks(lines);
  const routed = exactRoutes(lines);
  const outside = outsideInterface(lines);
  return wantedAnnouncements(inventory, hubPrivateIp, lines)
    .map((prefix) => ({
      prefix,
      network: !present.has(prefix),
      ...(routed.has(prefix) ? {} : { anchor: outside }),
    }))
    .filter((a) => a.network || a.anchor !== undefined);
}

export function announcementLines(list: readonly Announcement[]): ConfigLine[] {
  return list.flatMap((a) => [
    ...(a.anchor
      ? [set(['protocols', 'static', 'route', a.prefix, 'dhcp-interface'], a.anchor)]
      : []),
    ...(a.network ? [set([...NETWORK, a.prefix])] : []),
  ]);
}

export function announcementRemovalLines(list: readonly Announcement[]): ConfigLine[] {
  return list.flatMap((a) => [
    ...(a.network ? [del([...NETWORK, a.prefix])] : []),
    ...(a.anchor ? [del(['protocols', 'static', 'route', a.prefix])] : []),
  ]);
}

/** The router's own private address, as its IPsec peers' `local-address` state it. */
export function ownAddressOf(lines: readonly ConfigLine[]): string | undefined {
  return lines.find(
    (l) =>
      l.op === 'set' &&
      l.path[0] === 'vpn' &&
      l.path[2] === 'site-to-site' &&
      l.path[5] === 'local-address' &&
      l.value,
  )?.value;
}

/**
 * The lines an onboarding run adds so the router announces the flat network's baseline (its
 * VPC, pool, office, static sites), except `skip` (the new peer's own prefixes, which the peer's
 * lines announce). Idempotent: nothing once the router announces everything.
 */
export function baselineAnnouncementLines(
  inventory: Inventory,
  lines: ConfigLine[],
  skip: readonly string[] = [],
): ConfigLine[] {
  return announcementLines(
    missingAnnouncements(inventory, ownAddressOf(lines) ?? '', lines).filter(
      (a) => !skip.includes(a.prefix),
    ),
  );
}

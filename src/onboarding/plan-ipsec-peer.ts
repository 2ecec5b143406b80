/**
 * A site-to-site peer on the hub, as flatnet adds it: the renderer's spec (IKEv2 proposals
 * from the inventory, local-address = the hub's private address, local id = its Elastic IP)
 * plus the routing for the site's subnets: BGP over the VTI when the site speaks it, static
 * routes into the VTI otherwise, or policy tunnels (every flat-network prefix × every subnet).
 */
import { flatAggregates } from '../config/flat-network.js';
import type { Inventory } from '../config/inventory-schema.js';
import { BadInputError } from '../errors.js';
import { formatIpv4, parseCidr } from '../net/cidr.js';
import { del, set } from '../vyos/config-line.js';
import { announcementLines, announcementRemovalLines } from './hub-announcements.js';
import type { HubSide } from '../vyos/mirror-ipsec-peer.js';
import {
  renderIpsecPeer,
  renderIpsecPeerRemoval,
  type IpsecPeerSpec,
} from '../vyos/render-ipsec-peer.js';
import type { ConfigLine } from '../vyos/types.js';
import type { HubConfig } from './read-hub-config.js';
import { siteTunnelRole } from '../config/site-tunnels.js';
import {
  renderFailoverNextHop,
  renderFailoverNextHopRemoval,
} from '../vyos/render-failover-route.js';

/** The hub's interface toward its VPC (DHCP on EC2): where a policy site's anchor route points. */
const OUTSIDE_INTERFACE = 'eth0';
/** Route-based peers get a VTI numbered from here, away from the spokes' and AWS's. */
const VTI_FIRST = 100;
const VTI_LAST = 199;

export interface SiteTunnel {
  vtiNumber: number;
  /** Hub side, e.g. 169.254.100.1/30; the site takes .2. */
  hubAddress: string;
  siteAddress: string;
}

export interface IpsecPeerRequest {
  name: string;
  remote: string;
  subnets: string[];
  mode: 'route' | 'policy';
  bgpAsn?: number;
  /** The hub's private address (EC2 NATs the Elastic IP to it). */
  localAddress: string;
  hubPublicAddress: string;
  hubName: string;
  presharedKey: string;
  tunnel?: SiteTunnel;
  description: string;
}

/** The first VTI number and /30 nobody on the hub uses. */
export function chooseSiteTunnel(hub: HubConfig): SiteTunnel {
  const used = [...hub.vtis.values()]
    .flat()
    .map((a) => parseCidr(a))
    .filter((n) => n !== null);
  for (let n = VTI_FIRST; n <= VTI_LAST; n++) {
    if (hub.vtis.has(`vti${n}`)) continue;
    const net = parseCidr(`169.254.${n}.0/30`)!;
    if (used.some((u) => u.base < net.base + net.size && net.base < u.base + u.size)) continue;
    return {
      vtiNumber: n,
      hubAddress: `${formatIpv4(net.base + 1)}/30`,
      siteAddress: `${formatIpv4(net.base + 2)}/30`,
    };
  }
  throw new BadInputError(
    `every tunnel interface vti${VTI_FIRST}–vti${VTI_LAST} on the hub is taken`,
    'remove site peers nobody uses with `/vpn remove-peer NAME`',
  );
}

export function ipsecPeerSpec(req: IpsecPeerRequest, inventory: Inventory): IpsecPeerSpec {
  const { ike, esp } = inventory.ipsec;
  if (req.mode === 'route' && !req.tunnel)
    throw new BadInputError(
      `route-based peer ${req.name} has no tunnel interface`,
      'choose one with chooseSiteTunnel first',
    );
  return {
    name: req.name,
    remoteAddress: req.remote,
    localAddress: req.localAddress,
    localId: req.hubPublicAddress,
    remoteId: req.remote,
    presharedKey: req.presharedKey,
    ike: {
      keyExchange: 'ikev2',
      proposals: [{ encryption: ike.encryption, hash: ike.hash, dhGroup: String(ike.dhGroup) }],
      lifetimeSeconds: ike.lifetime,
      dpd: { intervalSeconds: 30, timeoutSeconds: 120 },
    },
    esp: {
      proposals: [{ encryption: esp.encryption, hash: esp.hash }],
      pfs: `dh-group${esp.dhGroup}`,
      lifetimeSeconds: esp.lifetime,
    },
    connectionType: 'initiate',
    routing:
      req.mode === 'route'
        ? {
            kind: 'vti',
            vtiNumber: req.tunnel!.vtiNumber,
            address: req.tunnel!.hubAddress,
            adjustMss: SITE_TCP_MSS,
          }
        : {
            kind: 'policy',
            tunnels: flatAggregates(inventory).flatMap((local) =>
              req.subnets.map((remote) => ({ localPrefix: local, remotePrefix: remote })),
            ),
          },
    description: req.description,
  };
}

const hostOf = (cidr: string): string => cidr.split('/')[0] ?? cidr;

/**
 * The inbound prefix-list of a BGP site's neighbour on the hub: only the site's declared subnets.
 */
export const sitePrefixListName = (site: string): string => `SITE-${site}-IN`;

/**
 * TCP MSS clamped on a site's VTI: 1500 less the IPsec overhead over the internet (outer IP 20,
 * NAT-T UDP 8, ESP header, IV, padding and ICV up to ~60 with AES-GCM or CBC+SHA256) and the
 * inner IP and TCP headers (40). Without it, a path MTU blackhole (ICMP filtered somewhere)
 * stalls large TCP transfers while pings and small requests work. AWS asks 1379 for its own
 * tunnels (the customer gateway configuration carries it); 1360 leaves room for a site behind
 * PPPoE. WireGuard clamps too, to its own overhead (wireguardTcpMss).
 */
const SITE_TCP_MSS = 1360;

/** The hub's lines: the peer, then how the site's subnets are reached. */
export function renderSitePeerLines(req: IpsecPeerRequest, inventory: Inventory): ConfigLine[] {
  const lines = renderIpsecPeer(ipsecPeerSpec(req, inventory));
  if (req.mode === 'route' && req.tunnel) {
    const vti = `vti${req.tunnel.vtiNumber}`;
    if (req.bgpAsn !== undefined) {
      const neighbor = ['protocols', 'bgp', 'neighbor', hostOf(req.tunnel.siteAddress)];
      const ipv4 = [...neighbor, 'address-family', 'ipv4-unicast'];
      const list = sitePrefixListName(req.name);
      // The hub takes from the site only what it declared: a site announcing someone else's
      // prefix (or a default route) would hijack it for the whole flat network. Exact matches,
      // no ge/le: a more specific of a declared subnet is not declared either.
      req.subnets.forEach((subnet, i) => {
        const rule = ['policy', 'prefix-list', list, 'rule', String((i + 1) * 10)];
        lines.push(set([...rule, 'action'], 'permit'), set([...rule, 'prefix'], subnet));
      });
      // In 1.4 a neighbour without ipv4-unicast exchanges no IPv4 routes. maximum-prefix is the
      // second fence (FRR counts what the filter let in): more than declared tears the session
      // down rather than let a misconfigured list flood the flat network.
      lines.push(
        set([...neighbor, 'remote-as'], String(req.bgpAsn)),
        set([...ipv4, 'prefix-list', 'import'], list),
        set([...ipv4, 'maximum-prefix'], String(req.subnets.length)),
        set([...neighbor, 'description'], req.name),
      );
    } else {
      // A site with a backup tunnel (inventory `sites:`): failover next hops that check the
      // site's target across this tunnel, so the hub moves the route by itself.
      const backed = siteTunnelRole(inventory, req.name);
      for (const subnet of req.subnets)
        lines.push(
          ...(backed
            ? renderFailoverNextHop({
                prefix: subnet,
                nextHop: hostOf(req.tunnel.siteAddress),
                iface: vti,
                target: backed.target,
                metric: backed.metric,
              })
            : [set(['protocols', 'static', 'route', subnet, 'interface', vti])]),
        );
      // The spokes and VGWs learn the site from the hub (docs/flat-network.md).
      lines.push(...announcementLines(req.subnets.map((prefix) => ({ prefix, network: true }))));
    }
  } else if (req.mode === 'policy') {
    // No route in the main table: anchor via eth0 for FRR's import-check (the XFRM policy takes
    // the packet after the route lookup), then announce.
    lines.push(
      ...announcementLines(
        req.subnets.map((prefix) => ({ prefix, network: true, anchor: OUTSIDE_INTERFACE })),
      ),
    );
  }
  return lines;
}

/**
 * How the site sees the hub, for its VyOS script and swanctl.conf: route-based, it also gets
 * its routing — BGP with the hub's end of the VTI announcing its subnets, or static routes
 * for the flat network's aggregates into the VTI.
 */
export function siteSide(req: IpsecPeerRequest, inventory: Inventory): HubSide {
  const hubAsn = inventory.routers[req.hubName]?.asn ?? inventory.hub.asn;
  const backed = siteTunnelRole(inventory, req.name);
  return {
    // The site's router holds both tunnels' peers toward the same hub: the backup's needs
    // another name there.
    hubName: backed?.role === 'backup' ? `${req.hubName}-backup` : req.hubName,
    hubPublicAddress: req.hubPublicAddress,
    ...(req.tunnel
      ? {
          siteVtiAddress: req.tunnel.siteAddress,
          siteVtiNumber: req.tunnel.vtiNumber,
          siteRouting:
            req.bgpAsn !== undefined
              ? {
                  kind: 'bgp',
                  siteAsn: req.bgpAsn,
                  hubAsn,
                  hubTunnelAddress: hostOf(req.tunnel.hubAddress),
                  subnets: req.subnets,
                }
              : backed
                ? {
                    kind: 'failover',
                    prefixes: flatAggregates(inventory),
                    hubTunnelAddress: hostOf(req.tunnel.hubAddress),
                    metric: backed.metric,
                  }
                : { kind: 'static', prefixes: flatAggregates(inventory) },
        }
      : {}),
  };
}

/**
 * Everything a site peer put on the hub: the peer, its key and groups, its VTI, routes and BGP
 * neighbour.
 */
export function renderSitePeerRemoval(name: string, hub: HubConfig): ConfigLine[] {
  const peer = hub.ipsec.find((p) => p.name === name);
  const vtiNumber = peer?.vti ? Number(/^vti(\d+)$/.exec(peer.vti)?.[1]) : undefined;
  const lines = renderIpsecPeerRemoval(name, Number.isInteger(vtiNumber) ? vtiNumber : undefined);
  // Its announcements go with it (and a policy peer's anchor routes), where present.
  const announcementOf = (prefix: string, anchor: boolean) =>
    announcementRemovalLines([
      {
        prefix,
        network: hub.announced.includes(prefix),
        ...(anchor && hub.anchored.includes(prefix) ? { anchor: OUTSIDE_INTERFACE } : {}),
      },
    ]);
  for (const prefix of peer?.remotePrefixes ?? []) lines.push(...announcementOf(prefix, true));
  if (peer?.vti) {
    // A route into the peer's VTI belongs to the peer: the whole route goes with it.
    for (const route of hub.staticRoutes.filter((r) => r.via === peer.vti)) {
      lines.push(del(['protocols', 'static', 'route', route.prefix]));
      lines.push(...announcementOf(route.prefix, false));
    }
    // A failover next hop into it goes; the route and its announcement only with the last one
    // (the other tunnel of a site with a backup keeps the site reachable).
    for (const route of hub.failoverRoutes.filter((r) => r.via === peer.vti)) {
      const others = hub.failoverRoutes.some(
        (r) => r.prefix === route.prefix && r.nextHop !== route.nextHop && r.via !== peer.vti,
      );
      lines.push(...renderFailoverNextHopRemoval(route.prefix, route.nextHop, others));
      if (!others) lines.push(...announcementOf(route.prefix, false));
    }
    const nets = (hub.vtis.get(peer.vti) ?? []).map((a) => parseCidr(a)).filter((n) => n !== null);
    for (const neighbor of hub.bgpNeighbors) {
      const ip = parseCidr(`${neighbor}/32`);
      if (ip && nets.some((n) => ip.base >= n.base && ip.base < n.base + n.size))
        lines.push(del(['protocols', 'bgp', 'neighbor', neighbor]));
    }
  }
  // VyOS refuses to delete what is not there: only a list the router holds (a BGP site's).
  const list = sitePrefixListName(name);
  if (hub.prefixLists.includes(list)) lines.push(del(['policy', 'prefix-list', list]));
  return lines;
}

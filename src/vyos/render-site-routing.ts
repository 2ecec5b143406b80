/**
 * How a route-based site routes the flat network over its tunnel to the hub: what the site's
 * operator pastes after the IPsec lines, so an up tunnel also carries traffic.
 *
 * - With BGP the site peers with the hub's end of the VTI and announces its own subnets; the
 *   hub answers with the flat network's aggregates (docs/flat-network.md).
 * - Without BGP the site routes each aggregate into the VTI (the hub routes the site's subnets
 *   into its end with static routes).
 *
 * A policy-based site needs neither: its selectors (the aggregates × its subnets) are its routes.
 */
import { set } from './config-line.js';
import type { ConfigLine } from './types.js';
import { renderFailoverNextHop } from './render-failover-route.js';
import { assertCidr, assertIpAddress } from './validate-network-input.js';

export type SiteRouting =
  | {
      kind: 'bgp';
      siteAsn: number;
      hubAsn: number;
      /** The hub's end of the VTI, e.g. 169.254.100.1: the site's BGP neighbour. */
      hubTunnelAddress: string;
      /** The site's own networks, announced to the hub. */
      subnets: string[];
    }
  | { kind: 'static'; /** The flat network's aggregates. */ prefixes: string[] }
  | {
      /**
       * One of two tunnels of a site with a backup: each aggregate as a `protocols failover`
       * next hop checking the hub's end of this tunnel (render-failover-route.ts).
       */
      kind: 'failover';
      prefixes: string[];
      hubTunnelAddress: string;
      metric: number;
    };

function assertAsn(asn: number, what: string): void {
  if (!Number.isInteger(asn) || asn < 1 || asn > 4294967294)
    throw new RangeError(`${what} ${asn} is not an AS number (1–4294967294)`);
}

/** The site router's routing lines (VyOS 1.4+ syntax). */
export function renderSiteRouting(routing: SiteRouting, vti: string): ConfigLine[] {
  if (routing.kind === 'failover')
    return routing.prefixes.flatMap((p) =>
      renderFailoverNextHop({
        prefix: p,
        nextHop: routing.hubTunnelAddress,
        iface: vti,
        target: routing.hubTunnelAddress,
        metric: routing.metric,
      }),
    );
  if (routing.kind === 'static') {
    return routing.prefixes.map((p) => {
      assertCidr(p, 'flat network aggregate');
      return set(['protocols', 'static', 'route', p, 'interface', vti]);
    });
  }
  assertAsn(routing.siteAsn, 'the site ASN');
  assertAsn(routing.hubAsn, 'the hub ASN');
  assertIpAddress(routing.hubTunnelAddress, "the hub's tunnel address");
  const neighbor = ['protocols', 'bgp', 'neighbor', routing.hubTunnelAddress];
  return [
    set(['protocols', 'bgp', 'system-as'], String(routing.siteAsn)),
    set([...neighbor, 'remote-as'], String(routing.hubAsn)),
    // In 1.4 a neighbour without the address family exchanges no IPv4 routes at all.
    set([...neighbor, 'address-family', 'ipv4-unicast']),
    set([...neighbor, 'description'], 'flatnet hub'),
    ...routing.subnets.map((s) => {
      assertCidr(s, 'site subnet');
      return set(['protocols', 'bgp', 'address-family', 'ipv4-unicast', 'network', s]);
    }),
  ];
}

/** The same for a Linux site running strongSwan with an XFRM interface (as comments to follow). */
export function describeSiteRoutingForLinux(
  routing: SiteRouting,
  xfrm: string,
  siteTunnelAddress: string,
): string[] {
  const setup = [
    `#   ip link add ${xfrm} type xfrm dev eth0 if_id 10`,
    `#   ip address add ${siteTunnelAddress} dev ${xfrm} && ip link set ${xfrm} up`,
  ];
  if (routing.kind === 'failover')
    return [
      '# Route the flat network into the tunnel, metric ' + String(routing.metric) + ' (the',
      '# lower metric wins), and take the route away while the hub end of the tunnel,',
      `# ${routing.hubTunnelAddress}, stops answering ping (a check every few seconds):`,
      ...setup,
      ...routing.prefixes.map((p) => `#   ip route add ${p} dev ${xfrm} metric ${routing.metric}`),
    ];
  if (routing.kind === 'static')
    return [
      '# Route the flat network into the tunnel (after the XFRM interface exists):',
      ...setup,
      ...routing.prefixes.map((p) => `#   ip route add ${p} dev ${xfrm}`),
    ];
  return [
    '# BGP with the hub over the tunnel (FRR, /etc/frr/frr.conf), after the XFRM interface:',
    ...setup,
    `#   router bgp ${routing.siteAsn}`,
    `#    neighbor ${routing.hubTunnelAddress} remote-as ${routing.hubAsn}`,
    '#    address-family ipv4 unicast',
    ...routing.subnets.map((s) => `#     network ${s}`),
    `#     neighbor ${routing.hubTunnelAddress} activate`,
  ];
}

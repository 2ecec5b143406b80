/**
 * `show ip route` as VyOS 1.4 prints it: vtysh's output of FRR 9.1 zebra (vyos-1x op-mode
 * `show ip route` runs `vtysh -c "show ip route"`). The codes header is FRR's
 * SHOW_ROUTE_V4_HEADER (lib/route_types.pl, FRR 8.x–9.x: no `L - local`, added in 10.0), each
 * route one line (zebra_vty.c vty_show_ip_route): type char, `>` when selected, `*` when in
 * the FIB, the prefix, `[distance/metric]` except for connected routes, the next hop
 * (`via A, IFACE`, `is directly connected, IFACE`, `unreachable (blackhole)`), `, weight 1`
 * for a nexthop that has one (not connected routes), then the age in FRR's uptime format.
 * Samples: FRR docs (zebra, ECMP `show ip route X`), VyOS users' output such as
 * `S>* 0.0.0.0/0 [210/0] via 10.0.2.2, eth0, weight 1, 00:51:58` (the DHCP default route
 * that vyos-1x installs with distance 210) and `B>* 10.99.0.0/16 [20/100] via
 * 169.254.61.113, vti1, weight 1, 00:51:03`.
 */
import { frrUptime } from './format-op-units.js';
import type { IpRouteState } from './live-state.js';

export const SHOW_ROUTE_V4_HEADER = [
  'Codes: K - kernel route, C - connected, S - static, R - RIP,',
  '       O - OSPF, I - IS-IS, B - BGP, E - EIGRP, N - NHRP,',
  '       T - Table, v - VNC, V - VNC-Direct, A - Babel, F - PBR,',
  '       f - OpenFabric,',
  '       > - selected route, * - FIB route, q - queued, r - rejected, b - backup',
  '       t - trapped, o - offload failure',
  '',
];

const CODE: Record<IpRouteState['protocol'], string> = {
  kernel: 'K',
  connected: 'C',
  static: 'S',
  bgp: 'B',
};

function ipKey(prefix: string): number[] {
  const [ip = '', len = '32'] = prefix.split('/');
  return [...ip.split('.').map(Number), Number(len)];
}

/**
 * zebra walks its route table in prefix order; several routes of one prefix, best first. Each
 * prefix is read once, not at every comparison (a hub's table is read by every status run).
 */
function inZebraOrder(routes: readonly IpRouteState[]): IpRouteState[] {
  const keyed = routes.map((route) => ({ route, key: ipKey(route.prefix) }));
  keyed.sort(({ route: a, key: x }, { route: b, key: y }) => {
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
    return Number(b.selected) - Number(a.selected) || a.distance - b.distance;
  });
  return keyed.map(({ route }) => route);
}

export function routeLine(r: IpRouteState): string {
  const flags = `${CODE[r.protocol]}${r.selected ? '>' : ' '}${r.selected ? '*' : ' '}`;
  const metric = r.protocol === 'connected' ? '' : ` [${r.distance}/${r.metric}]`;
  const hop = r.blackhole
    ? 'unreachable (blackhole)'
    : r.nextHop
      ? `via ${r.nextHop}, ${r.iface ?? ''}`
      : `is directly connected, ${r.iface ?? ''}`;
  // Connected and kernel routes' nexthops carry no weight (zebra prints it only when set).
  const weight = r.protocol === 'connected' || r.protocol === 'kernel' ? '' : ', weight 1';
  return `${flags} ${r.prefix}${metric} ${hop}${weight}, ${frrUptime(r.ageSeconds)}`;
}

export function showIpRoute(routes: readonly IpRouteState[]): string[] {
  return [...SHOW_ROUTE_V4_HEADER, ...inZebraOrder(routes).map(routeLine)];
}

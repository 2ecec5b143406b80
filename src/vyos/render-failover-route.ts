/**
 * A static route that moves to the backup tunnel by itself: VyOS 1.4's `protocols failover`
 * (vyos-1x `interface-definitions/protocols_failover.xml.in`, sagitta = 1.4). For each next
 * hop, vyos-1x's failover service (`src/helpers/vyos-failover.py`) pings the check target out
 * of the next hop's interface (`ping -I <interface> -c 2 -W 1`) every `check timeout` seconds
 * (default 10) and keeps `ip route … via <next-hop> dev <interface> metric <metric> proto
 * failover` in the kernel only while the target answers; the kernel forwards by the lowest
 * metric present. So the router switches to the backup tunnel, and back, with flatnet down.
 *
 * vyos-1x `src/conf_mode/protocols_failover.py` verify() refuses a next hop without an
 * `interface` or a `check target`; both are always rendered here.
 */
import { del, set } from './config-line.js';
import type { ConfigLine } from './types.js';
import { assertCidr, assertIpAddress } from './validate-network-input.js';

export interface FailoverNextHop {
  /** The route, e.g. a site subnet 172.16.0.0/16. */
  prefix: string;
  /** The far end of the tunnel, on the interface's network (169.254.100.2). */
  nextHop: string;
  /** The tunnel interface the check and the route go out of (vti100). */
  iface: string;
  /** An address across the tunnel that answers ping (the site router's LAN address). */
  target: string;
  /** Lower wins: 1 for the primary tunnel, 2 for the backup (1-255). */
  metric: number;
}

const base = (prefix: string, nextHop: string) => [
  'protocols',
  'failover',
  'route',
  prefix,
  'next-hop',
  nextHop,
];

function assertNextHop(n: FailoverNextHop): void {
  assertCidr(n.prefix, 'failover route');
  assertIpAddress(n.nextHop, `next hop of failover route ${n.prefix}`);
  assertIpAddress(n.target, `check target of failover route ${n.prefix}`);
  if (!/^vti\d{1,4}$/.test(n.iface))
    throw new RangeError(`failover route ${n.prefix}: interface ${n.iface} is not a VTI`);
  if (!Number.isInteger(n.metric) || n.metric < 1 || n.metric > 255)
    throw new RangeError(`failover route ${n.prefix}: metric ${n.metric} is not 1-255`);
}

/** One next hop of a failover route, with its ICMP check across the tunnel. */
export function renderFailoverNextHop(n: FailoverNextHop): ConfigLine[] {
  assertNextHop(n);
  const hop = base(n.prefix, n.nextHop);
  return [
    set([...hop, 'check', 'target'], n.target),
    set([...hop, 'check', 'type'], 'icmp'),
    set([...hop, 'interface'], n.iface),
    set([...hop, 'metric'], String(n.metric)),
  ];
}

/**
 * Taking one next hop off: only that next hop while another one stays, else the whole route
 * (a route without a next hop is refused at commit: `Next-hop for "<route>" is mandatory!`).
 */
export function renderFailoverNextHopRemoval(
  prefix: string,
  nextHop: string,
  othersRemain: boolean,
): ConfigLine[] {
  return [
    othersRemain ? del(base(prefix, nextHop)) : del(['protocols', 'failover', 'route', prefix]),
  ];
}

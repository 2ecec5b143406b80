/**
 * A router's routing table as zebra would build it from its configuration and live state:
 * connected (ethernet legs, VTIs while their SA is up — vyos-1x's vti-up-down hook sets the
 * link down with the child SA — and WireGuard interfaces), the DHCP default route (distance
 * 210, as VyOS installs it), static and failover routes whose next hop resolves, blackholes,
 * and BGP best paths (distance 20 for eBGP). Per prefix the lowest distance wins; lookups are
 * longest-prefix-first.
 */
import type { BgpRoute } from './bgp.js';
import { addressOf, contains, matching, parsePrefix, type Prefix } from './ipv4.js';
import type { Network, NetRouter } from './network.js';

export type RibVia =
  | { kind: 'leg'; iface: string; nextHop?: number }
  | { kind: 'vti'; iface: string; peer: string }
  | { kind: 'wireguard'; iface: string }
  | { kind: 'blackhole' };

export interface RibEntry {
  prefix: Prefix;
  distance: number;
  source: 'connected' | 'dhcp' | 'static' | 'failover' | 'bgp';
  via: RibVia;
  /** The configured next-hop address (a static route's `next-hop`, a BGP neighbour). */
  nextHop?: string;
  /** What to say about the entry in a path (`static 10.250.0.0/24 blackhole`). */
  describe: string;
}

function connected(net: Network, r: NetRouter): RibEntry[] {
  const out: RibEntry[] = [];
  for (const leg of r.legs)
    out.push({
      prefix: leg.prefix,
      distance: 0,
      source: 'connected',
      via: { kind: 'leg', iface: leg.iface },
      describe: `${leg.prefix.text} is connected on ${leg.iface}`,
    });
  for (const [name, vti] of r.config.vti) {
    const peer = [...r.config.peers.values()].find((p) => p.vti === name && !p.disabled);
    if (!peer || vti.disabled || !net.sa(r.id, peer.name).up) continue;
    for (const a of vti.addresses) {
      const p = parsePrefix(a);
      if (p)
        out.push({
          prefix: p,
          distance: 0,
          source: 'connected',
          via: { kind: 'vti', iface: name, peer: peer.name },
          describe: `${p.text} is connected on ${name} (tunnel to ${peer.name})`,
        });
    }
  }
  for (const wg of r.config.wireguard.values())
    for (const a of wg.addresses) {
      const p = parsePrefix(a);
      if (p)
        out.push({
          prefix: p,
          distance: 0,
          source: 'connected',
          via: { kind: 'wireguard', iface: wg.name },
          describe: `${p.text} is connected on ${wg.name}`,
        });
    }
  for (const leg of r.legs) {
    if (leg.gateway === undefined) continue;
    if (r.config.ethernet.get(leg.iface)?.addresses.includes('dhcp'))
      out.push({
        prefix: parsePrefix('0.0.0.0/0')!,
        distance: 210,
        source: 'dhcp',
        via: { kind: 'leg', iface: leg.iface, nextHop: leg.gateway },
        describe: `default route from DHCP on ${leg.iface}`,
      });
  }
  return out;
}

/** Resolve a next hop on a connected network (zebra: the next hop must be reachable). */
function resolve(conn: RibEntry[], nextHop: string): RibVia | undefined {
  const ip = addressOf(nextHop);
  if (ip === undefined) return undefined;
  const hit = conn.find((c) => c.source === 'connected' && contains(c.prefix, ip));
  if (!hit) return undefined;
  if (hit.via.kind === 'leg') return { ...hit.via, nextHop: ip };
  return hit.via;
}

/**
 * `protocols static route <p> dhcp-interface <if>` (VyOS 1.4 docs, "Static": "Defines next-hop
 * as DHCP interface"; vyos-1x renders it with the router of that interface's lease): installed
 * only while the interface has a DHCP default route, through the same gateway.
 */
function dhcpGateway(conn: RibEntry[], iface: string): RibVia | undefined {
  return conn.find((c) => c.source === 'dhcp' && 'iface' in c.via && c.via.iface === iface)?.via;
}

/** Connected + DHCP + static/failover routes: what BGP's import-check looks at. */
export function baseRib(net: Network, r: NetRouter): RibEntry[] {
  const conn = connected(net, r);
  const out = [...conn];
  for (const s of r.config.statics) {
    const source = s.failover ? 'failover' : 'static';
    if (s.blackhole) {
      out.push({
        prefix: s.prefix,
        distance: s.distance,
        source,
        via: { kind: 'blackhole' },
        describe: `${source} ${s.prefix.text} blackhole`,
      });
      continue;
    }
    let via: RibVia | undefined;
    if (s.dhcpInterface !== undefined) via = dhcpGateway(conn, s.dhcpInterface);
    else if (s.nextHop !== undefined) via = resolve(conn, s.nextHop);
    else if (s.interface !== undefined) {
      const up = conn.find(
        (c) => 'iface' in c.via && c.via.iface === s.interface && c.source === 'connected',
      );
      if (up) via = up.via.kind === 'leg' ? { kind: 'leg', iface: s.interface } : up.via;
    }
    if (!via) continue; // next hop unreachable or interface down: zebra leaves it out
    out.push({
      prefix: s.prefix,
      distance: s.distance,
      source,
      via,
      ...(s.nextHop !== undefined ? { nextHop: s.nextHop } : {}),
      describe: `${source} ${s.prefix.text} via ${s.nextHop ?? s.interface ?? `the DHCP gateway of ${s.dhcpInterface}`}`,
    });
  }
  return out;
}

/** What the router announces: network statements with an exact RIB route, redistribution. */
export function originated(r: NetRouter, base: RibEntry[]): Prefix[] {
  const out = new Map<string, Prefix>();
  for (const n of r.config.bgp.networks)
    if (base.some((e) => e.prefix.text === n.text)) out.set(n.text, n);
  const redistribute = r.config.bgp.redistribute;
  for (const e of base) {
    if (e.source === 'dhcp') continue;
    const kind = e.source === 'failover' ? 'static' : e.source;
    if (redistribute.has(kind)) out.set(e.prefix.text, e.prefix);
  }
  return [...out.values()];
}

/** Every route zebra holds (base plus BGP best paths whose next hop resolves), unselected. */
export function candidateRib(base: RibEntry[], bgp: Map<string, BgpRoute> | undefined): RibEntry[] {
  const out = [...base];
  const conn = base.filter((e) => e.source === 'connected');
  for (const route of bgp?.values() ?? []) {
    if (!route.session || route.nextHop === undefined) continue;
    const via = resolve(conn, route.nextHop);
    if (!via) continue;
    out.push({
      prefix: route.prefix,
      distance: 20,
      source: 'bgp',
      via,
      nextHop: route.nextHop,
      describe: `BGP ${route.prefix.text} via ${route.nextHop} (AS path ${route.asPath.join(' ')})`,
    });
  }
  return out;
}

/** Per prefix, the lowest administrative distance is installed (the first of equals). */
export function selectRoutes(candidates: RibEntry[]): RibEntry[] {
  const chosen = new Map<string, RibEntry>();
  for (const e of candidates) {
    const cur = chosen.get(e.prefix.text);
    if (!cur || e.distance < cur.distance) chosen.set(e.prefix.text, e);
  }
  return [...chosen.values()];
}

export function fullRib(base: RibEntry[], bgp: Map<string, BgpRoute> | undefined): RibEntry[] {
  return selectRoutes(candidateRib(base, bgp));
}

export function lookup(rib: RibEntry[], ip: number): RibEntry | undefined {
  return matching(rib, ip)[0];
}

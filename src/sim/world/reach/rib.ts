/**
 * A router's routing table as zebra would build it from its configuration and live state:
 * connected (ethernet legs, VTIs while their SA is up — vyos-1x's vti-up-down hook sets the
 * link down with the child SA — and WireGuard interfaces), the DHCP default route (distance
 * 210, as VyOS installs it), static routes whose next hop resolves, failover routes while
 * their check target answers across their tunnel (kernel routes: the lowest metric wins),
 * blackholes,
 * and BGP best paths (distance 20 for eBGP). Per prefix the lowest distance wins; lookups are
 * longest-prefix-first.
 */
import type { BgpRoute } from './bgp.js';
import { addressOf, contains, matching, parsePrefix, type Prefix } from './ipv4.js';
import type { Network, NetRouter } from './network.js';
import type { StaticRoute } from './router-config.js';

export type RibVia =
  | { kind: 'leg'; iface: string; nextHop?: number }
  | { kind: 'vti'; iface: string; peer: string }
  | { kind: 'wireguard'; iface: string }
  | { kind: 'blackhole' };

export interface RibEntry {
  prefix: Prefix;
  distance: number;
  /** Compared after the distance: a failover route's kernel metric (the lowest wins). */
  metric?: number;
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

/** The host addresses of a router: its legs, VTIs and WireGuard interfaces. */
function ownAddresses(r: NetRouter): number[] {
  const out = r.legs.map((l) => l.address);
  for (const i of [...r.config.vti.values(), ...r.config.wireguard.values()])
    for (const a of i.addresses) {
      const ip = addressOf(a);
      if (ip !== undefined) out.push(ip);
    }
  return out;
}

/**
 * Does `ping -I <iface> -c 2 -W 1 <target>` answer (vyos-failover.py `is_target_alive`)?
 * Bound to the interface the ping leaves through it whatever the routing table says (Linux
 * takes the destination as on-link when a lookup with that output interface fails), so it
 * answers iff the tunnel under the VTI is up, the router at its far end holds the target (an
 * address of its own, or a host of its LAN), and the reply to the VTI's own address comes back
 * over the same tunnel (the far end's VTI shares the /30). ICMP only: a VTI carries no ARP,
 * and what listens on a TCP port is not modelled, so `arp` and `tcp` checks never answer.
 */
function targetAnswers(net: Network, r: NetRouter, iface: string, target: string): boolean {
  const ip = addressOf(target);
  const vti = r.config.vti.get(iface);
  const peer = [...r.config.peers.values()].find((p) => p.vti === iface && !p.disabled);
  if (ip === undefined || !vti || vti.disabled || !peer) return false;
  const sa = net.sa(r.id, peer.name);
  if (!sa.up || sa.far.kind !== 'router') return false;
  const farId = sa.far.id;
  const far = net.routers.find((x) => x.id === farId);
  const farVti = far?.config.vti.get(far.config.peers.get(sa.far.peer)?.vti ?? '');
  if (!far?.up || !farVti) return false;
  const holds =
    ownAddresses(far).includes(ip) || far.legs.some((l) => l.lan && contains(l.prefix, ip));
  const back = vti.addresses.some((mine) => {
    const src = addressOf(mine);
    return (
      src !== undefined &&
      farVti.addresses.some((theirs) => {
        const p = parsePrefix(theirs);
        return p !== undefined && contains(p, src);
      })
    );
  });
  return holds && back;
}

function checkAnswers(net: Network, r: NetRouter, s: StaticRoute): boolean {
  const check = s.failover!;
  if (check.type !== 'icmp' || s.interface === undefined || check.targets.length === 0)
    return false;
  const alive = check.targets.map((t) => targetAnswers(net, r, s.interface!, t));
  return check.policy === 'all-available' ? alive.every(Boolean) : alive.some(Boolean);
}

/**
 * A failover next hop as vyos-failover.py keeps it: `ip route add <p> via <nh> dev <if>
 * metric <m> proto failover` while its check target answers. The kernel takes it only with the
 * interface up and the next hop on its network (or `onlink`): "Nexthop has invalid gateway".
 */
function failoverVia(net: Network, r: NetRouter, conn: RibEntry[], s: StaticRoute) {
  if (s.interface === undefined || s.nextHop === undefined) return undefined;
  const up = conn.find(
    (c) => c.source === 'connected' && 'iface' in c.via && c.via.iface === s.interface,
  );
  const hop = addressOf(s.nextHop);
  if (!up || hop === undefined) return undefined;
  if (!s.failover!.onlink && !contains(up.prefix, hop)) return undefined;
  if (!checkAnswers(net, r, s)) return undefined;
  return up.via.kind === 'leg'
    ? { kind: 'leg' as const, iface: s.interface, nextHop: hop }
    : up.via;
}

/** Connected + DHCP + static/failover routes: what BGP's import-check looks at. */
export function baseRib(net: Network, r: NetRouter): RibEntry[] {
  const conn = connected(net, r);
  const out = [...conn];
  for (const s of r.config.statics) {
    if (s.failover) {
      const via = failoverVia(net, r, conn, s);
      // A kernel route to zebra: distance 0, then the lowest metric (zebra rib_choose_best).
      if (via)
        out.push({
          prefix: s.prefix,
          distance: 0,
          metric: s.failover.metric,
          source: 'failover',
          via,
          nextHop: s.nextHop!,
          describe:
            `failover ${s.prefix.text} via ${s.nextHop} ` +
            `(${s.interface}, metric ${s.failover.metric})`,
        });
      continue;
    }
    const source = 'static';
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
      describe:
        `${source} ${s.prefix.text} via ` +
        (s.nextHop ?? s.interface ?? `the DHCP gateway of ${s.dhcpInterface}`),
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
    // Failover routes are kernel routes to zebra: `redistribute kernel`, not `static`.
    const kind = e.source === 'failover' ? 'kernel' : e.source;
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

/**
 * Per prefix, the lowest administrative distance is installed, then the lowest metric (the
 * first of equals).
 */
export function selectRoutes(candidates: RibEntry[]): RibEntry[] {
  const chosen = new Map<string, RibEntry>();
  for (const e of candidates) {
    const cur = chosen.get(e.prefix.text);
    if (
      !cur ||
      e.distance < cur.distance ||
      (e.distance === cur.distance && (e.metric ?? 0) < (cur.metric ?? 0))
    )
      chosen.set(e.prefix.text, e);
  }
  return [...chosen.values()];
}

export function fullRib(base: RibEntry[], bgp: Map<string, BgpRoute> | undefined): RibEntry[] {
  return selectRoutes(candidateRib(base, bgp));
}

export function lookup(rib: RibEntry[], ip: number): RibEntry | undefined {
  return matching(rib, ip)[0];
}

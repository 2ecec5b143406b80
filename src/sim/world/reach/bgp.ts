/**
 * BGP as the flat network runs it: eBGP sessions over VTIs between routers (FRR in VyOS) and
 * with AWS VGWs, path-vector propagation to a fixed point, AS-path loop rejection (RFC 4271
 * 9.1.2: a speaker ignores a route whose AS_PATH holds its own AS; AWS: a VGW drops paths
 * containing its Amazon-side ASN), `as-override`, `allowas-in`, prefix-lists and route-maps.
 * VyOS 1.4 renders `no bgp ebgp-requires-policy` unless asked (vyos-1x bgpd.frr.j2), so eBGP
 * routes pass without a policy. Network statements follow FRR's `bgp network import-check`
 * (on by default since FRR 7.4): announced only while an exact route exists in the RIB.
 */
import { addressOf, contains, parsePrefix, type Prefix } from './ipv4.js';
import type { Network, NetRouter, NetVgw } from './network.js';
import { prefixListPermits, routeMapPermits, type BgpNeighbor } from './router-config.js';

/** A BGP speaker: a router (by id) or a VGW (`vgw:<id>`). */
export interface Session {
  /** Speaker ids at each end. */
  a: string;
  b: string;
  /** The neighbour address each side configured for the other (a's view of b, b's view of a). */
  aSeesB: string;
  bSeesA: string;
  /** For a VGW end: which VPN connection tunnel carries it. */
  vpn?: { vpnConnectionId: string; tunnelIndex: number };
}

export interface BgpRoute {
  prefix: Prefix;
  asPath: number[];
  /** Undefined for a locally originated route. */
  session?: Session;
  /** The neighbour address it was learned from (the next hop, on a VTI /30). */
  nextHop?: string;
}

export interface BgpResult {
  sessions: Session[];
  /** Per speaker id, its best route per prefix text. */
  best: Map<string, Map<string, BgpRoute>>;
  /** Why a configured neighbour has no session, per `<routerId> <address>`. */
  down: Map<string, string>;
}

interface Speaker {
  id: string;
  asn: number;
  originate: Prefix[];
  /** Export/import policy per neighbour address (routers only). */
  neighbor(address: string): BgpNeighbor | undefined;
  router?: NetRouter;
}

const vgwId = (g: NetVgw): string => `vgw:${g.vgwId}`;

function vtiAddressFor(router: NetRouter, neighbor: string): { vti: string; own: string } | null {
  const ip = addressOf(neighbor);
  if (ip === undefined) return null;
  for (const [name, vti] of router.config.vti) {
    for (const a of vti.addresses) {
      const p = parsePrefix(a);
      if (p && contains(p, ip)) return { vti: name, own: a.split('/')[0]! };
    }
  }
  return null;
}

/** Sessions that are Established: both ends configured for each other over an up SA. */
function findSessions(net: Network, down: Map<string, string>): Session[] {
  const sessions: Session[] = [];
  const seen = new Set<string>();
  for (const r of net.routers) {
    const asn = r.config.bgp.asn;
    for (const n of r.config.bgp.neighbors.values()) {
      const key = `${r.id} ${n.address}`;
      const fail = (why: string): void => void down.set(key, why);
      if (!r.up) {
        fail(`${r.name} is not running`);
        continue;
      }
      if (asn === undefined) {
        fail(`${r.name} has no protocols bgp system-as`);
        continue;
      }
      if (n.shutdown) {
        fail(`neighbor ${n.address} is shut down on ${r.name}`);
        continue;
      }
      if (!n.ipv4) {
        fail(`neighbor ${n.address} on ${r.name} has no address-family ipv4-unicast`);
        continue;
      }
      const leg = vtiAddressFor(r, n.address);
      const peer = leg && [...r.config.peers.values()].find((p) => p.vti === leg.vti);
      if (!leg || !peer) {
        fail(`neighbor ${n.address} is on no VTI of ${r.name}`);
        continue;
      }
      const sa = net.sa(r.id, peer.name);
      if (!sa.up) {
        fail(`the SA of ${r.name}'s peer ${peer.name} is down: ${sa.reason}`);
        continue;
      }
      if (sa.far.kind === 'vgw') {
        const far = sa.far;
        const g = net.vgws.find((x) => x.vgwId === far.vgwId);
        const conn = g?.connections.find((c) => c.vpnConnectionId === far.vpnConnectionId);
        const tunnel = conn?.tunnels.find((t) => t.index === far.tunnelIndex);
        if (!g || !conn || !tunnel) {
          fail(`no VPN connection ${far.vpnConnectionId}`);
          continue;
        }
        const vgwSide = tunnel.inside.base + 1;
        if (conn.staticRoutesOnly) fail(`${conn.vpnConnectionId} uses static routes only`);
        else if (addressOf(n.address) !== vgwSide)
          fail(`the VGW answers BGP at the tunnel's first inside address, not ${n.address}`);
        else if (addressOf(leg.own) !== vgwSide + 1)
          fail(`${leg.vti} must hold the tunnel's second inside address`);
        else if (n.remoteAs !== g.asn)
          fail(`remote-as ${n.remoteAs ?? '(none)'} is not the VGW's ASN ${g.asn}`);
        else if (conn.cgwAsn !== asn)
          fail(`the VGW expects the customer gateway ASN ${conn.cgwAsn}, not ${asn}`);
        else {
          sessions.push({
            a: r.id,
            b: vgwId(g),
            aSeesB: n.address,
            bSeesA: leg.own,
            vpn: { vpnConnectionId: conn.vpnConnectionId, tunnelIndex: tunnel.index },
          });
          continue;
        }
        continue;
      }
      const far = sa.far;
      const f = net.routers.find((x) => x.id === far.id);
      const theirs = f?.config.bgp.neighbors.get(leg.own);
      const farVti = f ? vtiAddressFor(f, leg.own) : null;
      if (!f || !f.up) fail('the far router is not running');
      else if (f.config.bgp.asn === undefined) fail(`${f.name} runs no BGP`);
      else if (!farVti || farVti.own !== n.address)
        fail(`${f.name} has no VTI address ${n.address}`);
      else if (!theirs || theirs.shutdown || !theirs.ipv4)
        fail(`${f.name} has no (active ipv4) neighbor ${leg.own}`);
      else if (n.remoteAs !== f.config.bgp.asn)
        fail(`remote-as ${n.remoteAs ?? '(none)'} is not ${f.name}'s AS ${f.config.bgp.asn}`);
      else if (theirs.remoteAs !== asn)
        fail(`${f.name} expects AS ${theirs.remoteAs ?? '(none)'} for ${leg.own}, not ${asn}`);
      else {
        const id = [r.id, f.id].sort().join(' ') + ` ${[n.address, leg.own].sort().join(' ')}`;
        if (!seen.has(id)) {
          seen.add(id);
          sessions.push({ a: r.id, b: f.id, aSeesB: n.address, bSeesA: leg.own });
        }
      }
    }
  }
  return sessions;
}

/**
 * Run BGP to a fixed point. `originates(router)` gives what a router announces (network
 * statements that pass import-check, redistributed routes): the RIB's business.
 */
export function runBgp(net: Network, originates: (r: NetRouter) => Prefix[]): BgpResult {
  const down = new Map<string, string>();
  const sessions = findSessions(net, down);
  const speakers = new Map<string, Speaker>();
  for (const r of net.routers) {
    if (!r.up || r.config.bgp.asn === undefined) continue;
    speakers.set(r.id, {
      id: r.id,
      asn: r.config.bgp.asn,
      originate: originates(r),
      neighbor: (a) => r.config.bgp.neighbors.get(a),
      router: r,
    });
  }
  for (const g of net.vgws) {
    const vpc = net.vpcs.find((v) => v.vpcId === g.vpcId);
    // A VGW announces the CIDR of the VPC it is attached to (AWS Site-to-Site VPN guide).
    speakers.set(vgwId(g), {
      id: vgwId(g),
      asn: g.asn,
      originate: vpc ? [vpc.cidr] : [],
      neighbor: () => undefined,
    });
  }
  const best = new Map<string, Map<string, BgpRoute>>();
  for (const s of speakers.values())
    best.set(s.id, new Map(s.originate.map((p) => [p.text, { prefix: p, asPath: [] }])));

  const better = (x: BgpRoute, y: BgpRoute | undefined): boolean => {
    if (!y) return true;
    if (!x.session !== !y.session) return !x.session; // local origin (weight 32768) wins
    if (x.asPath.length !== y.asPath.length) return x.asPath.length < y.asPath.length;
    return (addressOf(x.nextHop ?? '') ?? 0) < (addressOf(y.nextHop ?? '') ?? 0);
  };
  for (let round = 0; round < 64; round++) {
    let changed = false;
    const next = new Map<string, Map<string, BgpRoute>>();
    for (const s of speakers.values())
      next.set(s.id, new Map(s.originate.map((p) => [p.text, { prefix: p, asPath: [] }])));
    for (const session of sessions) {
      for (const [from, to, fromSeesTo, toSeesFrom] of [
        [session.a, session.b, session.aSeesB, session.bSeesA],
        [session.b, session.a, session.bSeesA, session.aSeesB],
      ] as const) {
        const src = speakers.get(from);
        const dst = speakers.get(to);
        if (!src || !dst) continue;
        const out = src.neighbor(fromSeesTo);
        const inn = dst.neighbor(toSeesFrom);
        for (const route of best.get(from)!.values()) {
          if (route.session === session) continue;
          if (src.router && out) {
            if (out.prefixListExport !== undefined) {
              const list = src.router.config.prefixLists.get(out.prefixListExport);
              if (!prefixListPermits(list, route.prefix)) continue;
            }
            if (!routeMapPermits(src.router.config, out.routeMapExport, route.prefix)) continue;
          }
          let path = [src.asn, ...route.asPath];
          // as-override: the neighbour's AS in the path becomes ours (FRR `as-override`).
          if (out?.asOverride) path = path.map((as) => (as === dst.asn ? src.asn : as));
          if (path.includes(dst.asn) && !inn?.allowasIn) continue;
          if (dst.router && inn) {
            if (inn.prefixListImport !== undefined) {
              const list = dst.router.config.prefixLists.get(inn.prefixListImport);
              if (!prefixListPermits(list, route.prefix)) continue;
            }
            if (!routeMapPermits(dst.router.config, inn.routeMapImport, route.prefix)) continue;
          }
          const candidate: BgpRoute = {
            prefix: route.prefix,
            asPath: path,
            session,
            nextHop: toSeesFrom,
          };
          const table = next.get(to)!;
          if (better(candidate, table.get(route.prefix.text)))
            table.set(route.prefix.text, candidate);
        }
      }
    }
    for (const [id, table] of next) {
      const before = best.get(id)!;
      if (
        table.size !== before.size ||
        [...table].some(([k, v]) => {
          const o = before.get(k);
          return !o || o.session !== v.session || o.asPath.join(' ') !== v.asPath.join(' ');
        })
      )
        changed = true;
    }
    for (const [id, table] of next) best.set(id, table);
    if (!changed) break;
  }
  return { sessions, best, down };
}

export { vgwId };

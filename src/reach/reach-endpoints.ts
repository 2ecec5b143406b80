/**
 * The endpoints of the flat network, from real state: every VPC of the inventory that is
 * joined (a router has an interface in it, or its VGW has a VPN connection), every
 * site-to-site peer of a router that is neither another router nor an AWS VPN tunnel (a
 * site: the office, a partner), every WireGuard peer (a laptop). Labels: `<region>/<vpc>`,
 * `site/<peer>`, `wg/<peer>`; a bare name or an address finds one too.
 */
import { BadInputError } from '../errors.js';
import { formatIpv4, parseCidr, parseIpv4 } from '../net/cidr.js';
import type { ReachEndpointInfo } from '../report/reach-report.js';
import type { ReachRouter, ReachState, ReachVpc } from './reach-state.js';
import { HANDSHAKE_FRESH_SECONDS, readRouterTables, type RouterTables } from './router-tables.js';

export type EndpointHome =
  | { kind: 'vpc'; vpc: ReachVpc }
  | { kind: 'site'; router: string; peer: string }
  | { kind: 'wireguard'; router: string; peer: string };

export interface ReachEndpoint {
  label: string;
  address: number;
  network: string;
  home: EndpointHome;
}

/** Every router's tables, once: what the endpoints and the trace read. */
export type TablesOf = (router: string) => RouterTables | undefined;

export function tablesOf(state: ReachState): TablesOf {
  const cache = new Map<string, RouterTables | undefined>();
  for (const r of state.routers) cache.set(r.name, r.reading && readRouterTables(r.reading));
  return (name) => cache.get(name);
}

/**
 * A host to stand for a network: the .100 of its second /24 (the private subnet of a VPC laid out
 * as public/private/secure), else of its first block.
 */
function hostOf(cidr: string): number {
  const net = parseCidr(cidr);
  if (!net) return 0;
  if (net.size >= 1024) return net.base + 512 + 100;
  if (net.size > 100) return net.base + 100;
  return net.base;
}

/** Public addresses of flatnet's routers and the AWS VPN tunnels: a peer there is no site. */
export function knownTunnelEnds(state: ReachState): Set<string> {
  const out = new Set<string>();
  for (const r of state.routers) {
    if (r.instance?.publicIp) out.add(r.instance.publicIp);
    if (r.entry.elasticIp) out.add(r.entry.elasticIp.publicIp);
  }
  for (const g of state.vgws)
    for (const c of g.connections) for (const t of c.tunnels) out.add(t.outsideIp);
  return out;
}

function joined(state: ReachState, vpc: ReachVpc): boolean {
  const routed = state.routers.some((r) =>
    (r.instance?.interfaces ?? [{ vpcId: r.instance?.vpcId }]).some((i) => i.vpcId === vpc.id),
  );
  const attached = state.vgws.some(
    (g) => g.gateway.vpcIds.includes(vpc.id) && g.connections.some((c) => c.state !== 'deleted'),
  );
  return routed || attached;
}

function siteNetwork(r: ReachRouter, tables: RouterTables, peer: string): string | undefined {
  const p = tables.peers.find((x) => x.name === peer);
  const policy = p?.tunnels.find((t) => t.remote)?.remote;
  if (policy) return policy;
  if (!p?.vti) return undefined;
  for (const l of r.reading?.config ?? [])
    if (
      l.op === 'set' &&
      l.path[0] === 'protocols' &&
      l.path[1] === 'static' &&
      l.path[2] === 'route' &&
      l.path[4] === 'interface' &&
      l.path[5] === p.vti
    )
      return l.path[3];
  // A BGP site: what the router learned over its VTI.
  return r.reading?.routes.find((x) => x.iface === p.vti && x.protocol === 'bgp')?.prefix;
}

export function findEndpoints(state: ReachState, tables: TablesOf): ReachEndpoint[] {
  const out: ReachEndpoint[] = [];
  for (const vpc of state.vpcs)
    if (joined(state, vpc))
      out.push({
        label: `${vpc.region}/${vpc.name}`,
        address: hostOf(vpc.cidr),
        network: vpc.cidr,
        home: { kind: 'vpc', vpc },
      });
  const ends = knownTunnelEnds(state);
  // The router a far side talks to now: the one with the tunnel up, else the hub.
  const rank = (r: ReachRouter, up: boolean) =>
    (up ? 4 : 0) + (r.entry.role === 'hub' ? 2 : 0) + (r.entry.role === 'standby' ? 1 : 0);
  const sites = new Map<string, { router: ReachRouter; score: number; network: string }>();
  const laptops = new Map<string, { router: ReachRouter; score: number; network: string }>();
  for (const r of state.routers) {
    const t = tables(r.name);
    if (!t) continue;
    for (const p of t.peers) {
      if (p.disabled || (p.remoteAddress && ends.has(p.remoteAddress))) continue;
      const network = siteNetwork(r, t, p.name);
      if (!network) continue;
      const score = rank(r, p.vtiUp || p.tunnels.some((x) => x.up));
      if ((sites.get(p.name)?.score ?? -1) < score)
        sites.set(p.name, { router: r, score, network });
    }
    for (const w of t.wireguard) {
      const network = w.allowedIps[0];
      if (!network) continue;
      const fresh =
        w.handshakeSecondsAgo !== undefined && w.handshakeSecondsAgo < HANDSHAKE_FRESH_SECONDS;
      const score = rank(r, fresh);
      if ((laptops.get(w.name)?.score ?? -1) < score)
        laptops.set(w.name, { router: r, score, network });
    }
  }
  for (const [peer, s] of sites)
    out.push({
      label: `site/${peer}`,
      address: hostOf(s.network),
      network: s.network,
      home: { kind: 'site', router: s.router.name, peer },
    });
  for (const [peer, w] of laptops)
    out.push({
      label: `wg/${peer}`,
      address: parseCidr(w.network)?.base ?? 0,
      network: w.network,
      home: { kind: 'wireguard', router: w.router.name, peer },
    });
  return out;
}

export function endpointInfo(e: ReachEndpoint): ReachEndpointInfo {
  return { label: e.label, address: formatIpv4(e.address), network: e.network };
}

/**
 * By label (`us-east-1/production`, `site/office`, `wg/ops-carol`), by a name that is unique
 * (`office`, `ops-carol`, `hub`), or by an address (the endpoint whose network holds it).
 */
export function findEndpoint(endpoints: ReachEndpoint[], text: string): ReachEndpoint {
  const wanted = text.trim();
  const exact = endpoints.find((e) => e.label === wanted);
  if (exact) return exact;
  const ip = /^\d+\.\d+\.\d+\.\d+$/.test(wanted) ? parseIpv4(wanted) : null;
  if (ip !== null) {
    const home = endpoints
      .filter((e) => {
        const n = parseCidr(e.network);
        return n !== null && ip >= n.base && ip < n.base + n.size;
      })
      .sort((a, b) => (parseCidr(b.network)?.prefix ?? 0) - (parseCidr(a.network)?.prefix ?? 0))[0];
    if (home) return { ...home, address: ip };
  }
  const byName = endpoints.filter((e) => e.label.split('/').pop() === wanted);
  if (byName.length === 1) return byName[0]!;
  const known = endpoints.map((e) => e.label).join(', ');
  if (byName.length > 1)
    throw new BadInputError(
      `"${wanted.slice(0, 40)}" names ${byName.length} ` +
        `endpoints: ${byName.map((e) => e.label).join(', ')}`,
      'say which one, with its region or kind, e.g. us-east-1/staging',
    );
  throw new BadInputError(
    `"${wanted.slice(0, 40)}" is no endpoint of the flat network`,
    'use a VPC as <region>/<name>, a site as site/<peer>, ' +
      `a laptop as wg/<peer>, or an address; known: ${known}`,
  );
}

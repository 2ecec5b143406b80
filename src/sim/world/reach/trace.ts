/**
 * Follow one packet hop by hop through the network: VPC route tables (longest prefix; a
 * static route beats a propagated one of the same prefix, AWS route priority), VGWs, routers'
 * routing tables, policy-based IPsec selectors (the kernel's XFRM policy is looked up after the
 * route: traffic matching local/remote prefixes is encrypted to that peer; while its SA is up
 * strongSwan has installed a route to the policy's remote prefix in table 220, looked up before
 * the main table, unless `disable-route-autoinstall`), VTIs, WireGuard
 * cryptokey routing (a peer is chosen by allowed-ips; a packet from a peer is accepted only
 * from its allowed-ips), EC2 source/destination check. Stops at the first broken hop.
 */
import { vgwId, type BgpResult } from './bgp.js';
import { untrackedReplyState } from './conntrack.js';
import { egressRate, judgeForward, type FirewallPacket } from './firewall.js';
import { contains, ipText, matching, type Prefix } from './ipv4.js';
import type { Endpoint, Leg, Network, NetRouter, NetRoute, NetVgw, NetVpc } from './network.js';
import type { IpsecPeer } from './router-config.js';
import { lookup, type RibEntry } from './rib.js';

export interface Trace {
  ok: boolean;
  hops: string[];
  brokenAt?: string;
  reason?: string;
  /** The lowest egress shaping the packet met (bit/s) and where, when any. */
  rate?: { bits: number; at: string };
  /** Every egress shaper the packet went through, in order (where the world's traffic goes). */
  shaped?: ShapedCrossing[];
  /** The routers (ids) the packet went through: where its connection is tracked. */
  routers: string[];
}

/** One router interface with an egress shaper on the path, and the packet's limit there. */
export interface ShapedCrossing {
  routerId: string;
  iface: string;
  bits: number;
}

/** What the packet is, for the routers' firewalls: its protocol, ports and conntrack state. */
export type TraceFlow = Omit<FirewallPacket, 'src' | 'dst'> & {
  /**
   * A reply: the routers its request went through, which alone hold its conntrack entry. On any
   * other router the reply is judged as that router's conntrack sees it (conntrack.ts).
   */
  trackedBy?: ReadonlySet<string>;
};

/** The probe when none is named: a ping, as an operator would try first. */
export const PING: TraceFlow = { protocol: 'icmp', state: 'new' };

/**
 * The reply of a flow whose request went through `routers`: ports swapped, a packet of a
 * connection already let through there (and only there).
 */
export function replyOf(flow: TraceFlow, routers: readonly string[]): TraceFlow {
  return {
    protocol: flow.protocol,
    srcPort: flow.dstPort,
    dstPort: flow.srcPort,
    state: 'established',
    trackedBy: new Set(routers),
  };
}

interface PathCtx {
  flow: TraceFlow;
  rate?: { bits: number; at: string };
  shaped: ShapedCrossing[];
  routers: string[];
}

export interface Forwarding {
  net: Network;
  bgp: BgpResult;
  ribs: Map<string, RibEntry[]>;
  /** Public IP → router id (instances holding an Elastic IP, sites). */
  publicIps: Map<string, string>;
  /** Derived tables (effective VPC routes, VGW routes) computed once per judgement. */
  cache: Map<string, unknown>;
  /** WireGuard public key of a private key (Curve25519). */
  serverKey(privateKey: string): string | undefined;
}

type Ingress =
  | { kind: 'vpc'; vpcId: string }
  | { kind: 'tunnel'; peer: string }
  | { kind: 'wireguard'; iface: string }
  | { kind: 'lan' };

type Node =
  | { kind: 'vpc'; vpcId: string; subnetId?: string; fromVgw?: string }
  | { kind: 'router'; id: string; ingress: Ingress }
  | { kind: 'vgw'; vgwId: string; fromTunnel: boolean }
  | { kind: 'client'; name: string; arriving: boolean };

const MAX_HOPS = 40;

function routeTableOf(vpc: NetVpc, subnetId: string | undefined) {
  return (
    vpc.tables.find((t) => subnetId !== undefined && t.subnetIds.includes(subnetId)) ??
    vpc.tables.find((t) => t.main)
  );
}

/** Routes of a table including what its VGWs propagate (only while propagation is on). */
export function effectiveRoutes(f: Forwarding, vpc: NetVpc, subnetId?: string): NetRoute[] {
  const table = routeTableOf(vpc, subnetId);
  if (!table) return [];
  const cached = f.cache.get(table.routeTableId) as NetRoute[] | undefined;
  if (cached) return cached;
  const routes = [...table.routes];
  for (const id of table.propagatingVgws) {
    const g = f.net.vgws.find((x) => x.vgwId === id && x.vpcId === vpc.vpcId);
    if (!g) continue;
    for (const p of vgwRoutes(f, g)) {
      // A static route of the same prefix wins over a propagated one (AWS route priority).
      if (routes.some((r) => r.prefix.text === p.prefix.text)) continue;
      routes.push({ prefix: p.prefix, target: { kind: 'vgw', vgwId: g.vgwId }, propagated: true });
    }
  }
  f.cache.set(table.routeTableId, routes);
  return routes;
}

interface VgwRoute {
  prefix: Prefix;
  /** The router (customer gateway) and its peer that carry it. */
  routerId: string;
  how: string;
}

/** What a VGW can send toward the customer gateways: BGP-learned and static VPN routes. */
export function vgwRoutes(f: Forwarding, g: NetVgw): VgwRoute[] {
  const cached = f.cache.get(vgwId(g)) as VgwRoute[] | undefined;
  if (cached) return cached;
  const out: VgwRoute[] = [];
  for (const route of f.bgp.best.get(vgwId(g))?.values() ?? []) {
    if (!route.session) continue;
    const routerId = route.session.a === vgwId(g) ? route.session.b : route.session.a;
    out.push({ prefix: route.prefix, routerId, how: `BGP, AS path ${route.asPath.join(' ')}` });
  }
  for (const c of g.connections) {
    for (const p of c.staticRoutes) {
      // A static VPN route is usable while one of the connection's tunnels is up.
      const router = f.net.routers.find((r) =>
        [...r.config.peers.keys()].some((peer) => {
          const sa = f.net.sa(r.id, peer);
          return sa.up && sa.far.kind === 'vgw' && sa.far.vpnConnectionId === c.vpnConnectionId;
        }),
      );
      if (router) out.push({ prefix: p, routerId: router.id, how: 'static VPN route' });
    }
  }
  f.cache.set(vgwId(g), out);
  return out;
}

function routerName(f: Forwarding, id: string): string {
  return f.net.routers.find((r) => r.id === id)?.name ?? id;
}

/** The peer of router `r` whose up SA reaches VPN connection tunnels of VGW `g`. */
function peerTowardVgw(f: Forwarding, r: NetRouter, g: NetVgw): string | undefined {
  for (const peer of r.config.peers.keys()) {
    const sa = f.net.sa(r.id, peer);
    if (sa.up && sa.far.kind === 'vgw' && sa.far.vgwId === g.vgwId) return peer;
  }
  return undefined;
}

/** `withPath: false` judges only (the timeline): no hop is put into words. */
export function trace(
  f: Forwarding,
  from: Endpoint,
  to: Endpoint,
  withPath = true,
  flow: TraceFlow = PING,
): Trace {
  const ctx: PathCtx = { flow, shaped: [], routers: [] };
  const src = from.address;
  const dst = to.address;
  const hops: string[] = [];
  const note = withPath ? (hop: () => string) => void hops.push(hop()) : () => undefined;
  const fail = (at: string, reason: string): Trace => ({
    ok: false,
    hops,
    brokenAt: at,
    reason,
    routers: ctx.routers,
  });
  const arrived = (): Trace => ({
    ok: true,
    hops: withPath ? [...hops, `${to.label} (${ipText(dst)})`] : [],
    ...(ctx.rate ? { rate: ctx.rate } : {}),
    ...(ctx.shaped.length > 0 ? { shaped: ctx.shaped } : {}),
    routers: ctx.routers,
  });
  let node: Node =
    from.home.kind === 'vpc'
      ? { kind: 'vpc', vpcId: from.home.vpcId, subnetId: from.home.subnetId }
      : from.home.kind === 'site'
        ? { kind: 'router', id: from.home.routerId, ingress: { kind: 'lan' } }
        : { kind: 'client', name: from.home.name, arriving: false };
  const seen = new Set<string>();
  for (let i = 0; i < MAX_HOPS; i++) {
    const key =
      node.kind === 'router'
        ? `r ${node.id} ${node.ingress.kind} ${'peer' in node.ingress ? node.ingress.peer : ''}`
        : node.kind === 'vpc'
          ? `v ${node.vpcId} ${node.subnetId ?? ''} ${node.fromVgw ?? ''}`
          : node.kind === 'vgw'
            ? `g ${node.vgwId} ${node.fromTunnel}`
            : `c ${node.name} ${node.arriving}`;
    if (seen.has(key)) {
      const last = hops[hops.length - 1] ?? from.label;
      return fail(
        last.split(':')[0]!,
        `routing loop toward ${ipText(dst)}: ${hops.slice(-2).join(' → ')}, and round again ` +
          '(a default route sends it back where it came from)',
      );
    }
    seen.add(key);
    const step = stepFrom(f, node, src, dst, to, note, ctx);
    if ('arrived' in step) return arrived();
    if ('fail' in step) return fail(step.at, step.fail);
    node = step.next;
  }
  return fail(hops[hops.length - 1] ?? from.label, `more than ${MAX_HOPS} hops`);
}

type Step = { next: Node } | { arrived: true } | { fail: string; at: string };

function stepFrom(
  f: Forwarding,
  node: Node,
  src: number,
  dst: number,
  to: Endpoint,
  note: (hop: () => string) => void,
  ctx: PathCtx,
): Step {
  let shownDst: string | undefined;
  const D = (): string => (shownDst ??= ipText(dst));
  if (node.kind === 'vpc') {
    const vpc = f.net.vpcs.find((v) => v.vpcId === node.vpcId);
    if (!vpc) return { fail: `no VPC ${node.vpcId}`, at: node.vpcId };
    const table = routeTableOf(vpc, node.subnetId);
    const at = `${vpc.vpcId} route table ${table?.routeTableId ?? '(none)'}`;
    if (node.fromVgw !== undefined) {
      // Traffic from a VGW is delivered by the local route only (no gateway route table).
      note(() => `${vpc.vpcId} (from ${node.fromVgw})`);
      if (!contains(vpc.cidr, dst))
        return { fail: `${node.fromVgw} delivers only into ${vpc.cidr.text}`, at: node.fromVgw };
      if (to.home.kind === 'vpc' && to.home.vpcId === vpc.vpcId) return { arrived: true };
      return { fail: `no endpoint at ${D()} in ${vpc.vpcId}`, at: vpc.vpcId };
    }
    if (!table) return { fail: `${vpc.vpcId} has no route table`, at: vpc.vpcId };
    const route = matching(effectiveRoutes(f, vpc, node.subnetId), dst)[0];
    if (!route) return { fail: `${at} has no route to ${D()}`, at };
    const t = route.target;
    const shown =
      t.kind === 'local'
        ? 'local'
        : t.kind === 'instance'
          ? `${t.eni ?? t.instanceId}`
          : t.kind === 'vgw'
            ? `${t.vgwId}${route.propagated ? ' (propagated)' : ''}`
            : t.id;
    note(() => `${at}: ${route.prefix.text} → ${shown}`);
    if (t.kind === 'local') {
      if (to.home.kind === 'vpc' && to.home.vpcId === vpc.vpcId) return { arrived: true };
      return { fail: `no endpoint at ${D()} in ${vpc.vpcId}`, at };
    }
    if (t.kind === 'instance') {
      if (t.blackhole || t.instanceId === undefined)
        return {
          fail: `${at}: ${route.prefix.text} → ${shown} is a blackhole (instance not running)`,
          at,
        };
      return {
        next: { kind: 'router', id: t.instanceId, ingress: { kind: 'vpc', vpcId: vpc.vpcId } },
      };
    }
    if (t.kind === 'vgw') {
      const g = f.net.vgws.find((x) => x.vgwId === t.vgwId && x.vpcId === vpc.vpcId);
      if (!g) return { fail: `${t.vgwId} is not attached to ${vpc.vpcId}`, at };
      return { next: { kind: 'vgw', vgwId: g.vgwId, fromTunnel: false } };
    }
    return { fail: `${at} sends ${D()} to ${t.id}, out of the flat network`, at };
  }

  if (node.kind === 'vgw') {
    const g = f.net.vgws.find((x) => x.vgwId === node.vgwId)!;
    const at = `${g.vgwId} (ASN ${g.asn})`;
    const vpc = f.net.vpcs.find((v) => v.vpcId === g.vpcId);
    if (node.fromTunnel && vpc && contains(vpc.cidr, dst)) {
      note(() => `${at}: into ${vpc.vpcId}`);
      return { next: { kind: 'vpc', vpcId: vpc.vpcId, fromVgw: g.vgwId } };
    }
    const route = matching(vgwRoutes(f, g), dst)[0];
    if (!route) {
      const learned = vgwRoutes(f, g).map((r) => r.prefix.text);
      return {
        fail:
          `${at} has no route to ${D()} ` +
          `(it learned: ${learned.length > 0 ? learned.join(', ') : 'nothing'})`,
        at,
      };
    }
    note(() => `${at}: ${route.prefix.text} (${route.how}) → ${routerName(f, route.routerId)}`);
    const r = f.net.routers.find((x) => x.id === route.routerId)!;
    const peer = peerTowardVgw(f, r, g);
    if (!peer) return { fail: `no up tunnel from ${g.vgwId} to ${r.name}`, at };
    return { next: { kind: 'router', id: r.id, ingress: { kind: 'tunnel', peer } } };
  }

  if (node.kind === 'client') {
    const c = f.net.wireguardClients.find((x) => x.name === node.name)!;
    const at = `WireGuard client ${c.name}`;
    if (node.arriving) {
      note(() => at);
      // Cryptokey routing on receive: the source must be inside the peer's AllowedIPs.
      if (!c.allowedIps.some((p) => contains(p, src)))
        return {
          fail:
            `${c.name}'s AllowedIPs (${c.allowedIps.map((p) => p.text).join(', ')}) ` +
            `do not cover ${ipText(src)}: the laptop drops the packet`,
          at,
        };
      if (contains(c.address, dst) && to.home.kind === 'wireguard' && to.home.name === c.name)
        return { arrived: true };
      return { fail: `${c.name} does not forward`, at };
    }
    if (!c.allowedIps.some((p) => contains(p, dst)))
      return {
        fail:
          `${c.name}'s AllowedIPs (${c.allowedIps.map((p) => p.text).join(', ')}) ` +
          `do not cover ${D()}: the laptop does not send it into the tunnel`,
        at,
      };
    const routerId = f.publicIps.get(c.endpoint.ip);
    const r = routerId ? f.net.routers.find((x) => x.id === routerId) : undefined;
    note(() => `${at} → ${c.endpoint.ip}:${c.endpoint.port}`);
    if (!r || !r.up) return { fail: `nothing answers WireGuard at ${c.endpoint.ip}`, at };
    const wg = [...r.config.wireguard.values()].find((w) => w.port === c.endpoint.port);
    if (!wg) return { fail: `${r.name} has no WireGuard on port ${c.endpoint.port}`, at };
    const peer = [...wg.peers.values()].find((p) => p.publicKey === c.publicKey && !p.disabled);
    if (!peer) return { fail: `${r.name} ${wg.name} has no peer with ${c.name}'s key`, at };
    if (wg.privateKey === undefined || f.serverKey(wg.privateKey) !== c.serverPublicKey)
      return { fail: `${c.name}'s [Peer] PublicKey is not ${r.name} ${wg.name}'s key`, at };
    if (!peer.allowedIps.some((p) => contains(p, src)))
      return {
        fail: `${r.name} ${wg.name} peer ${peer.name} allowed-ips do not cover ${ipText(src)}`,
        at: `${r.name} ${wg.name}`,
      };
    return { next: { kind: 'router', id: r.id, ingress: { kind: 'wireguard', iface: wg.name } } };
  }

  // A router.
  const r = f.net.routers.find((x) => x.id === node.id);
  if (!r) return { fail: `no router ${node.id}`, at: node.id };
  const at = r.name;
  if (!r.up) return { fail: `${r.name} is not running`, at };
  ctx.routers.push(r.id);
  if (node.ingress.kind === 'vpc' && r.sourceDestCheck)
    return { fail: `${r.name}: EC2 source/destination check is on, it cannot forward`, at };
  if (node.ingress.kind === 'tunnel') {
    const peer = r.config.peers.get(node.ingress.peer);
    if (peer && !peer.vti) {
      const ok = peer.selectors.some(
        (s) => s.local && s.remote && contains(s.local, dst) && contains(s.remote, src),
      );
      if (!ok)
        return {
          fail:
            `${r.name}'s tunnel to ${peer.name} does not cover ${ipText(src)} → ${D()} ` +
            '(selector mismatch: the IPsec policy drops it)',
          at,
        };
    }
  }
  const ingress = node.ingress;
  // The zone firewall on the way out (and the shaper of that interface).
  const cross = (out: string | undefined): Step | undefined => {
    const { trackedBy, ...flow } = ctx.flow;
    const untracked = trackedBy !== undefined && !trackedBy.has(r.id);
    const packet = {
      src,
      dst,
      ...flow,
      ...(untracked ? { state: untrackedReplyState(flow.protocol) } : {}),
    };
    const inIface = ingressIface(r, ingress);
    const rate = out === undefined ? undefined : egressRate(r.config.firewall, out, dst);
    if (rate !== undefined && (!ctx.rate || rate < ctx.rate.bits))
      ctx.rate = { bits: rate, at: `${r.name} ${out}` };
    if (rate !== undefined && out !== undefined)
      ctx.shaped.push({ routerId: r.id, iface: out, bits: rate });
    const verdict = judgeForward(r.config.firewall, inIface, out, packet);
    if (verdict.accept) return undefined;
    const why = untracked
      ? ` (a reply as ${packet.state}: its request did not pass ${r.name}, whose conntrack ` +
        'has no entry for it, an asymmetric path)'
      : '';
    return { fail: `blocked by ${verdict.by} on ${r.name}${why}`, at: r.name };
  };
  if (node.ingress.kind !== 'lan') {
    const leg = r.legs.find((l) => l.lan && contains(l.prefix, dst));
    if (leg) {
      note(() => `${r.name}: ${leg.prefix.text} is its LAN on ${leg.iface}`);
      const blocked = cross(leg.iface);
      if (blocked) return blocked;
      if (to.home.kind === 'site' && to.home.routerId === r.id) return { arrived: true };
      return { fail: `no endpoint at ${D()} on ${r.name}'s LAN`, at };
    }
  }
  // strongSwan's own route to an up policy's remote prefix (table 220, before main). Its
  // kernel-netlink plugin installs it with a preferred source taken from the local traffic
  // selector, so only when the router holds an address inside that selector (strongSwan
  // issue #1807: "we use routes with preferred source IP"); otherwise there is no such route.
  const policyRoute = r.config.ipsecRouteAutoinstall
    ? [...r.config.peers.values()].find(
        (p) =>
          !p.vti &&
          !p.disabled &&
          p.selectors.some(
            (s) =>
              s.remote &&
              contains(s.remote, dst) &&
              s.local !== undefined &&
              r.legs.some((l) => contains(s.local!, l.address)),
          ) &&
          f.net.sa(r.id, p.name).up,
      )
    : undefined;
  const rib = f.ribs.get(r.id) ?? [];
  const entry = policyRoute ? undefined : lookup(rib, dst);
  if (!policyRoute && !entry) return { fail: `${r.name} has no route to ${D()}`, at };
  if (entry?.via.kind === 'blackhole')
    return { fail: `${r.name} drops ${D()}: ${entry.describe}`, at };
  // XFRM policies: a policy-based tunnel whose selectors match takes the packet.
  for (const peer of r.config.peers.values()) {
    if (peer.vti || peer.disabled) continue;
    const sel = peer.selectors.find(
      (s) => s.local && s.remote && contains(s.local, src) && contains(s.remote, dst),
    );
    if (!sel) continue;
    const sa = f.net.sa(r.id, peer.name);
    note(
      () => `${r.name}: IPsec policy ${sel.local!.text} → ${sel.remote!.text} (peer ${peer.name})`,
    );
    if (!sa.up) return { fail: `${r.name}'s SA to ${peer.name} is down: ${sa.reason}`, at };
    if (sa.far.kind !== 'router') return { fail: `policy tunnel to a VGW is not modelled`, at };
    // A policy-based tunnel's packets leave by the outside interface (XFRM, no VTI).
    const blocked = cross(entry?.via.kind === 'leg' ? entry.via.iface : outsideLeg(r, peer)?.iface);
    if (blocked) return blocked;
    return {
      next: { kind: 'router', id: sa.far.id, ingress: { kind: 'tunnel', peer: sa.far.peer } },
    };
  }
  if (!entry)
    return {
      fail:
        `${r.name} routes ${D()} toward ${policyRoute!.name} (strongSwan's route, ` +
        `table 220) but no IPsec policy of it covers ${ipText(src)} → ${D()}`,
      at,
    };
  note(() => `${r.name}: ${entry.describe}`);
  const via = entry.via;
  if ('iface' in via) {
    const blocked = cross(via.iface);
    if (blocked) return blocked;
  }
  if (via.kind === 'vti') {
    const sa = f.net.sa(r.id, via.peer);
    if (!sa.up) return { fail: `${r.name}'s SA to ${via.peer} is down: ${sa.reason}`, at };
    if (sa.far.kind === 'vgw')
      return { next: { kind: 'vgw', vgwId: sa.far.vgwId, fromTunnel: true } };
    return {
      next: { kind: 'router', id: sa.far.id, ingress: { kind: 'tunnel', peer: sa.far.peer } },
    };
  }
  if (via.kind === 'wireguard') {
    const wg = r.config.wireguard.get(via.iface)!;
    const peer = matching(
      [...wg.peers.values()]
        .filter((p) => !p.disabled)
        .flatMap((p) => p.allowedIps.map((prefix) => ({ prefix, p }))),
      dst,
    )[0]?.p;
    if (!peer) return { fail: `${r.name} ${wg.name}: no peer's allowed-ips cover ${D()}`, at };
    const client = f.net.wireguardClients.find(
      (c) => c.publicKey === peer.publicKey && f.publicIps.get(c.endpoint.ip) === r.id,
    );
    if (!client)
      return {
        fail: `${r.name} ${wg.name} peer ${peer.name}: no client with that key talks to ${r.name}`,
        at,
      };
    return { next: { kind: 'client', name: client.name, arriving: true } };
  }
  if (via.kind === 'leg') {
    const leg = r.legs.find((l) => l.iface === via.iface);
    if (!leg) return { fail: `${r.name} has no interface ${via.iface}`, at };
    if (leg.vpc) {
      if (r.sourceDestCheck && src !== leg.address)
        return { fail: `${r.name}: EC2 source/destination check is on, it cannot forward`, at };
      return { next: { kind: 'vpc', vpcId: leg.vpc.vpcId, subnetId: leg.vpc.subnetId } };
    }
    return { fail: `${r.name} sends ${D()} out of ${leg.iface}, to the Internet`, at };
  }
  return { fail: `${r.name}: unknown next hop`, at };
}

/** The interface an IPsec peer's packets use outside (its local-address), else the first. */
function outsideLeg(r: NetRouter, peer: IpsecPeer | undefined): Leg | undefined {
  const local = peer?.localAddress;
  return (
    r.legs.find((l) => local !== undefined && ipText(l.address) === local) ??
    r.legs.find((l) => !l.lan) ??
    r.legs[0]
  );
}

/** The interface a packet came in by, as the firewall's `iifname` sees it. */
function ingressIface(r: NetRouter, ingress: Ingress): string | undefined {
  switch (ingress.kind) {
    case 'vpc':
      return r.legs.find((l) => l.vpc?.vpcId === ingress.vpcId)?.iface;
    case 'tunnel': {
      const peer = r.config.peers.get(ingress.peer);
      // A route-based tunnel arrives on its VTI; a policy-based one decrypted on the outside leg.
      return peer?.vti ?? outsideLeg(r, peer)?.iface;
    }
    case 'wireguard':
      return ingress.iface;
    case 'lan':
      return r.legs.find((l) => l.lan)?.iface;
  }
}

/**
 * Follow one packet hop by hop through the network as flatnet reads it: a VPC's route table
 * (longest prefix; what a VGW propagates shows there too), a VGW (it sends what it learned
 * over an up tunnel, and delivers into its own VPC only), a router (EC2 source/destination
 * check, its routing table from `show ip route`, then the IPsec policies the kernel applies
 * after the route, VTIs, WireGuard peers by allowed-ips). Far sides flatnet cannot see (a
 * site's router, a laptop) are judged up to their tunnel: the SA is up, the handshake fresh.
 * Stops at the first broken hop, with why and what to do.
 */
import { formatIpv4, parseIpv4 } from '../net/cidr.js';
import type { IpRoute } from '../vyos/types.js';
import type { ReachContext } from './reach-context.js';
import type { ReachEndpoint } from './reach-endpoints.js';
import type { ReachRouter, ReachVgw, ReachVpc } from './reach-state.js';
import { HANDSHAKE_FRESH_SECONDS, inCidr, longestMatch } from './router-tables.js';
import * as fix from './describe-fix.js';

type Ingress =
  { kind: 'vpc' } | { kind: 'tunnel'; peer: string } | { kind: 'wireguard'; peer: string };

type Node =
  | { kind: 'vpc'; vpc: ReachVpc; fromVgw?: string }
  | { kind: 'router'; router: ReachRouter; ingress: Ingress }
  | { kind: 'vgw'; vgw: ReachVgw; fromTunnel: boolean };

export interface Broken {
  at: string;
  reason: string;
  fix: string;
  /** The hop could not be read: no proof either way. */
  unknown?: boolean;
}

type Step = { next: Node } | { arrived: true } | { broken: Broken };

export interface Trace {
  ok: boolean;
  hops: string[];
  judgedUpTo: string[];
  broken?: Broken;
}

const MAX_HOPS = 40;

interface Packet {
  src: number;
  dst: number;
  to: ReachEndpoint;
  /** The destination and source as text, formatted once per packet. */
  D: string;
  S: string;
  /** Put a hop into words (only when the path is asked for: the matrix needs verdicts). */
  note(hop: () => string): void;
  farSide(what: string): void;
}

const vpcName = (v: ReachVpc) => `${v.region}/${v.name}`;

export function tracePacket(
  ctx: ReachContext,
  from: ReachEndpoint,
  to: ReachEndpoint,
  withPath = true,
): Trace {
  const hops: string[] = [];
  const judgedUpTo: string[] = [];
  const p: Packet = {
    src: from.address,
    dst: to.address,
    D: formatIpv4(to.address),
    S: formatIpv4(from.address),
    to,
    note: withPath ? (h) => void hops.push(h()) : () => undefined,
    farSide: (w) => void (judgedUpTo.includes(w) || judgedUpTo.push(w)),
  };
  const done = (broken?: Broken): Trace =>
    broken
      ? { ok: false, hops, judgedUpTo, broken }
      : { ok: true, hops: [...hops, `${to.label} (${formatIpv4(p.dst)})`], judgedUpTo };
  const start = startNode(ctx, from, p);
  if ('broken' in start) return done(start.broken);
  if ('arrived' in start) return done();
  let node = start.next;
  const seen = new Set<string>();
  for (let i = 0; i < MAX_HOPS; i++) {
    const key =
      node.kind === 'vpc'
        ? `v ${node.vpc.id} ${node.fromVgw ?? ''}`
        : node.kind === 'vgw'
          ? `g ${node.vgw.gateway.id} ${node.fromTunnel}`
          : `r ${node.router.name} ${node.ingress.kind} ${'peer' in node.ingress ? node.ingress.peer : ''}`;
    if (seen.has(key))
      return done({
        at: hops[hops.length - 1]?.split(':')[0] ?? from.label,
        reason: `routing loop toward ${p.D}${hops.length > 0 ? `: ${hops.slice(-2).join(' → ')}` : ''}, and round again`,
        fix: fix.loop(formatIpv4(p.dst), to.network),
      });
    seen.add(key);
    const step =
      node.kind === 'vpc'
        ? vpcStep(ctx, node, p)
        : node.kind === 'vgw'
          ? vgwStep(ctx, node, p)
          : routerStep(ctx, node.router, node.ingress, p);
    if ('arrived' in step) return done();
    if ('broken' in step) return done(step.broken);
    node = step.next;
  }
  return done({
    at: from.label,
    reason: `more than ${MAX_HOPS} hops`,
    fix: fix.loop(formatIpv4(p.dst), to.network),
  });
}

function startNode(ctx: ReachContext, from: ReachEndpoint, p: Packet): Step {
  const home = from.home;
  if (home.kind === 'vpc') return { next: { kind: 'vpc', vpc: home.vpc } };
  const router = ctx.router(home.router);
  const tables = ctx.tables(home.router);
  if (!router || !tables) return { broken: unreadable(router, home.router) };
  if (home.kind === 'site') {
    const peer = tables.peers.find((x) => x.name === home.peer);
    const up = peer && (peer.vti ? peer.vtiUp : peer.tunnels.some((t) => t.up));
    if (!up)
      return {
        broken: {
          at: `${router.name} tunnel to ${home.peer}`,
          reason: `the SA between ${router.name} and site ${home.peer} is down`,
          fix: fix.saDown(router.name, home.peer),
        },
      };
    p.farSide(`site ${home.peer}'s router (flatnet sees its tunnel up, not its routes)`);
    p.note(() => `${from.label} → tunnel ${home.peer} (SA up)`);
    return { next: { kind: 'router', router, ingress: { kind: 'tunnel', peer: home.peer } } };
  }
  const w = tables.wireguard.find((x) => x.name === home.peer);
  if (!w || !fresh(w.handshakeSecondsAgo))
    return {
      broken: {
        at: `${router.name} WireGuard peer ${home.peer}`,
        reason: `${home.peer} has ${w?.handshakeSecondsAgo === undefined ? 'never shaken hands' : `not shaken hands for ${w.handshakeSecondsAgo} s`}: the laptop is not connected`,
        fix: fix.noHandshake(home.peer),
      },
    };
  p.farSide(`wg/${home.peer}'s laptop (flatnet sees a fresh handshake, not its AllowedIPs)`);
  p.note(
    () => `${from.label} → ${router.name} ${w.iface} (handshake ${w.handshakeSecondsAgo} s ago)`,
  );
  return { next: { kind: 'router', router, ingress: { kind: 'wireguard', peer: home.peer } } };
}

const fresh = (s: number | undefined) => s !== undefined && s < HANDSHAKE_FRESH_SECONDS;

function unreadable(router: ReachRouter | undefined, name: string): Broken {
  const state = router?.instance?.state;
  if (state && state !== 'running')
    return { at: name, reason: `${name} is ${state}`, fix: fix.notRunning(name) };
  return {
    at: name,
    reason: `flatnet could not read ${name}${router?.error ? `: ${router.error}` : ''}`,
    fix: fix.unreadable(name),
    unknown: true,
  };
}

function vpcStep(ctx: ReachContext, node: { vpc: ReachVpc; fromVgw?: string }, p: Packet): Step {
  const { vpc } = node;
  const D = p.D;
  const arrivedHere = () => p.to.home.kind === 'vpc' && p.to.home.vpc.id === vpc.id;
  if (node.fromVgw !== undefined) {
    // Traffic from a VGW is delivered by the local route only.
    p.note(() => `${vpcName(vpc)} (from ${node.fromVgw})`);
    if (inCidr(vpc.cidr, p.dst) && arrivedHere()) return { arrived: true };
    return {
      broken: {
        at: node.fromVgw,
        reason: `${node.fromVgw} delivers only into ${vpc.cidr}`,
        fix: fix.vgwDeliversOnlyLocal(node.fromVgw),
      },
    };
  }
  const table = vpc.table;
  if (!table)
    return {
      broken: {
        at: vpcName(vpc),
        reason: `flatnet could not read the route table of ${vpc.id}`,
        fix: fix.readEc2(vpc.region),
        unknown: true,
      },
    };
  const at = `${vpcName(vpc)} route table ${table.id}`;
  const route = ctx.memo(`t ${table.id} ${p.dst}`, () =>
    longestMatch(table.routes, (r) => r.destination, p.dst),
  );
  if (!route)
    return {
      broken: {
        at,
        reason: `${at} has no route to ${D}`,
        fix: fix.vpcRoute(ctx, vpc, p.to.network),
      },
    };
  const target = route.networkInterfaceId ?? route.gatewayId ?? route.instanceId ?? '?';
  p.note(() => `${at}: ${route.destination} → ${target}${route.propagated ? ' (propagated)' : ''}`);
  if (route.state === 'blackhole')
    return {
      broken: {
        at,
        reason: `${at}: ${route.destination} → ${target} is a blackhole (its target is stopped or gone)`,
        fix: fix.blackhole(ctx, table.id, route.destination, target),
      },
    };
  if (route.gatewayId === 'local') {
    if (arrivedHere()) return { arrived: true };
    return {
      broken: { at, reason: `no endpoint at ${D} in ${vpc.id}`, fix: fix.wrongAddress(p.to.label) },
    };
  }
  if (route.gatewayId?.startsWith('vgw-')) {
    const vgw = ctx.state.vgws.find(
      (g) => g.gateway.id === route.gatewayId && g.gateway.vpcIds.includes(vpc.id),
    );
    if (!vgw)
      return {
        broken: {
          at,
          reason: `${route.gatewayId} is not attached to ${vpc.id}`,
          fix: fix.vpcRoute(ctx, vpc, p.to.network),
        },
      };
    return { next: { kind: 'vgw', vgw, fromTunnel: false } };
  }
  const eni = route.networkInterfaceId ? ctx.routerOfEni(route.networkInterfaceId) : undefined;
  const byInstance = route.instanceId
    ? ctx.state.routers.find((r) => r.instance?.instanceId === route.instanceId)
    : undefined;
  const router = eni?.router ?? byInstance;
  if (router) return { next: { kind: 'router', router, ingress: { kind: 'vpc' } } };
  if (route.networkInterfaceId || route.instanceId)
    return {
      broken: {
        at,
        reason: `${at} sends ${D} to ${target}, which is no router flatnet knows`,
        fix: fix.vpcRoute(ctx, vpc, p.to.network),
      },
    };
  return {
    broken: {
      at,
      reason: `${at} sends ${D} to ${target}, out of the flat network`,
      fix: fix.vpcRoute(ctx, vpc, p.to.network),
    },
  };
}

function vgwStep(ctx: ReachContext, node: { vgw: ReachVgw; fromTunnel: boolean }, p: Packet): Step {
  const g = node.vgw;
  const id = g.gateway.id;
  const at = `${id} (ASN ${g.gateway.amazonSideAsn ?? '?'})`;
  const D = p.D;
  if (node.fromTunnel) {
    const vpc = ctx.state.vpcs.find(
      (v) => g.gateway.vpcIds.includes(v.id) && inCidr(v.cidr, p.dst),
    );
    if (vpc) {
      p.note(() => `${at}: into ${vpc.id}`);
      return { next: { kind: 'vpc', vpc, fromVgw: id } };
    }
    return {
      broken: {
        at,
        reason: `${id} delivers only into its VPC, not to ${D}`,
        fix: fix.vgwDeliversOnlyLocal(id),
      },
    };
  }
  if (g.learned && !g.learned.some((x) => inCidr(x, p.dst)))
    return {
      broken: {
        at,
        reason: `${at} has no route to ${D} (it learned: ${g.learned.join(', ') || 'nothing'})`,
        fix: fix.vgwLearn(p.to.network),
      },
    };
  const carrier = ctx.memo(`g ${id}`, () => {
    for (const r of ctx.state.routers) {
      const peer = ctx
        .tables(r.name)
        ?.peers.find(
          (x) =>
            x.vti &&
            !x.disabled &&
            x.vtiUp &&
            x.remoteAddress &&
            ctx.vgwAt(x.remoteAddress)?.vgw === g,
        );
      if (peer) return { r, peer: peer.name };
    }
    return undefined;
  });
  if (carrier) {
    p.note(() => `${at}: tunnel ${carrier.peer} → ${carrier.r.name}`);
    return {
      next: { kind: 'router', router: carrier.r, ingress: { kind: 'tunnel', peer: carrier.peer } },
    };
  }
  return { broken: { at, reason: `no tunnel of ${id} is up`, fix: fix.vgwTunnelsDown(id) } };
}

function routerStep(ctx: ReachContext, r: ReachRouter, ingress: Ingress, p: Packet): Step {
  const D = p.D;
  const S = p.S;
  const at = r.name;
  const tables = ctx.tables(r.name);
  const reading = r.reading;
  if (!tables || !reading || (r.instance && r.instance.state !== 'running'))
    return { broken: unreadable(r, r.name) };
  if (ingress.kind === 'vpc' && r.instance?.sourceDestCheck)
    return {
      broken: {
        at,
        reason: `${r.name}: EC2 source/destination check is on, it cannot forward`,
        fix: fix.sourceDestCheck(r),
      },
    };
  if (ingress.kind === 'tunnel') {
    const peer = tables.peers.find((x) => x.name === ingress.peer);
    if (
      peer &&
      !peer.vti &&
      !peer.tunnels.some((t) => inCidr(t.local, p.dst) && inCidr(t.remote, p.src))
    )
      return {
        broken: {
          at,
          reason: `${r.name}'s tunnel to ${peer.name} does not cover ${S} → ${D} (selector mismatch: the IPsec policy drops it)`,
          fix: fix.selectors(peer.name, S, D),
        },
      };
  }
  const route = ctx.memo(`r ${r.name} ${p.dst}`, () =>
    longestMatch(reading.routes, (x) => x.prefix, p.dst),
  );
  if (!route)
    return {
      broken: {
        at,
        reason: `${r.name} has no route to ${D}`,
        fix: fix.routerRoute(r.name, p.to.network),
      },
    };
  if (route.blackhole)
    return {
      broken: {
        at,
        reason: `${r.name} drops ${D}: ${route.prefix} is a blackhole route`,
        fix: fix.routerRoute(r.name, p.to.network),
      },
    };
  // The kernel's IPsec policies apply after the route lookup: a matching tunnel takes it.
  const policyPeers = ctx.memo(`p ${r.name}`, () =>
    tables.peers.filter((x) => !x.vti && !x.disabled),
  );
  for (const peer of policyPeers) {
    const t = peer.tunnels.find((x) => inCidr(x.local, p.src) && inCidr(x.remote, p.dst));
    if (!t) continue;
    p.note(() => `${r.name}: IPsec policy ${t.local} → ${t.remote} (peer ${peer.name})`);
    if (!t.up)
      return {
        broken: {
          at,
          reason: `${r.name}'s SA to ${peer.name} is down`,
          fix: fix.saDown(r.name, peer.name),
        },
      };
    return overTunnel(ctx, r, peer.name, peer.remoteAddress, p);
  }
  const via = route.nextHop ? ` via ${route.nextHop}` : '';
  p.note(() =>
    `${r.name}: ${route.prefix} (${route.protocol})${via} ${route.iface ?? ''}`.trimEnd(),
  );
  const iface = route.iface ?? connectedIface(reading.routes, route.nextHop);
  if (iface?.startsWith('vti')) {
    const peer = tables.peers.find((x) => x.vti === iface && !x.disabled);
    if (!peer)
      return {
        broken: {
          at,
          reason: `${r.name}: no IPsec peer binds ${iface}`,
          fix: fix.routerRoute(r.name, p.to.network),
        },
      };
    if (!peer.vtiUp)
      return {
        broken: {
          at,
          reason: `${r.name}'s SA to ${peer.name} is down`,
          fix: fix.saDown(r.name, peer.name),
        },
      };
    return overTunnel(ctx, r, peer.name, peer.remoteAddress, p);
  }
  if (iface?.startsWith('wg')) {
    const w = longestMatch(
      tables.wireguard
        .filter((x) => x.iface === iface)
        .flatMap((x) => x.allowedIps.map((a) => ({ a, x }))),
      (e) => e.a,
      p.dst,
    )?.x;
    if (!w)
      return {
        broken: {
          at,
          reason: `${r.name} ${iface}: no peer's allowed-ips cover ${D}`,
          fix: fix.routerRoute(r.name, p.to.network),
        },
      };
    if (!fresh(w.handshakeSecondsAgo))
      return {
        broken: {
          at: `${r.name} WireGuard peer ${w.name}`,
          reason: `${w.name} has ${w.handshakeSecondsAgo === undefined ? 'never shaken hands' : `not shaken hands for ${w.handshakeSecondsAgo} s`}: the laptop is not connected`,
          fix: fix.noHandshake(w.name),
        },
      };
    p.farSide(`wg/${w.name}'s laptop (flatnet sees a fresh handshake, not its AllowedIPs)`);
    if (p.to.home.kind === 'wireguard' && p.to.home.peer === w.name) return { arrived: true };
    return {
      broken: {
        at,
        reason: `${D} is behind laptop ${w.name}, which does not forward`,
        fix: fix.routerRoute(r.name, p.to.network),
      },
    };
  }
  if (iface?.startsWith('eth')) return intoVpc(ctx, r, Number(iface.slice(3)), p);
  return {
    broken: {
      at,
      reason: `${r.name} sends ${D} out of ${iface ?? 'no interface'}`,
      fix: fix.routerRoute(r.name, p.to.network),
    },
  };
}

function connectedIface(routes: IpRoute[], nextHop: string | undefined): string | undefined {
  const ip = nextHop ? parseIpv4(nextHop) : null;
  if (ip === null) return undefined;
  return longestMatch(
    routes.filter((x) => x.protocol === 'connected'),
    (x) => x.prefix,
    ip,
  )?.iface;
}

function intoVpc(ctx: ReachContext, r: ReachRouter, deviceIndex: number, p: Packet): Step {
  const i = r.instance;
  const leg =
    i?.interfaces?.find((x) => x.deviceIndex === deviceIndex) ??
    (deviceIndex === 0 && i ? { vpcId: i.vpcId, privateIp: i.privateIp } : undefined);
  const vpc = leg?.vpcId ? ctx.vpc(leg.vpcId) : undefined;
  if (!vpc)
    return {
      broken: {
        at: r.name,
        reason: `${r.name} sends ${formatIpv4(p.dst)} out of eth${deviceIndex}, into no VPC of the inventory`,
        fix: fix.routerRoute(r.name, p.to.network),
      },
    };
  if (i?.sourceDestCheck && leg?.privateIp !== p.S)
    return {
      broken: {
        at: r.name,
        reason: `${r.name}: EC2 source/destination check is on, it cannot forward`,
        fix: fix.sourceDestCheck(r),
      },
    };
  return { next: { kind: 'vpc', vpc } };
}

/** Over an up SA: to a VGW, to another router of flatnet's, or to a site it cannot see into. */
function overTunnel(
  ctx: ReachContext,
  r: ReachRouter,
  peer: string,
  remote: string | undefined,
  p: Packet,
): Step {
  const vgw = remote ? ctx.vgwAt(remote) : undefined;
  if (vgw) return { next: { kind: 'vgw', vgw: vgw.vgw, fromTunnel: true } };
  const far = remote ? ctx.routerAt(remote) : undefined;
  if (far) {
    const mine = ctx.publicIpOf(r);
    const theirs = ctx.tables(far.name)?.peers.find((x) => x.remoteAddress === mine && !x.disabled);
    if (!ctx.tables(far.name)) return { broken: unreadable(far, far.name) };
    if (!theirs)
      return {
        broken: {
          at: far.name,
          reason: `${far.name} has no peer toward ${r.name} (${mine ?? '?'})`,
          fix: fix.saDown(r.name, peer),
        },
      };
    return {
      next: { kind: 'router', router: far, ingress: { kind: 'tunnel', peer: theirs.name } },
    };
  }
  p.farSide(`site ${peer}'s router (flatnet sees its tunnel up, not its routes)`);
  if (p.to.home.kind === 'site' && p.to.home.peer === peer && inCidr(p.to.network, p.dst))
    return { arrived: true };
  return {
    broken: {
      at: `site ${peer}`,
      reason: `${formatIpv4(p.dst)} would have to cross site ${peer}, which flatnet cannot see into`,
      fix: fix.routerRoute(r.name, p.to.network),
    },
  };
}

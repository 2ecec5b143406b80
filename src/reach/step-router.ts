/**
 * A hop on a router: EC2 source/destination check, the selectors of the tunnel it came in
 * by, its routing table (`show ip route`), the IPsec policies the kernel applies after the
 * route, then the way out — a VTI to a VGW, another flatnet router or a site, a WireGuard
 * peer by allowed-ips, or an ethernet interface into its VPC.
 */
import { parseIpv4 } from '../net/cidr.js';
import type { IpRoute } from '../vyos/types.js';
import type { ReachContext } from './reach-context.js';
import type { ReachRouter, RouterReading } from './reach-state.js';
import { longestMatchIndexed } from './prefix-index.js';
import { inCidr, longestMatch, peerLookup } from './router-tables.js';
import { fresh, unreadable, type Ingress, type Packet, type Step } from './trace-hops.js';
import * as fix from './describe-fix.js';
import { readZoneFirewall, replyStateOn, zoneDrops } from './zone-firewall.js';

export function routerStep(ctx: ReachContext, r: ReachRouter, ingress: Ingress, p: Packet): Step {
  const D = p.D;
  const S = p.S;
  const at = r.name;
  const tables = ctx.tables(r.name);
  const reading = r.reading;
  if (!tables || !reading || (r.instance && r.instance.state !== 'running'))
    return { broken: unreadable(r, r.name) };
  p.routers.push(r.name);
  if (ingress.kind === 'vpc' && r.instance?.sourceDestCheck)
    return {
      broken: {
        at,
        reason: `${r.name}: EC2 source/destination check is on, it cannot forward`,
        fix: fix.sourceDestCheck(r),
      },
    };
  const peers = peerLookup(tables);
  if (ingress.kind === 'tunnel') {
    const peer = peers.named(ingress.peer);
    if (
      peer &&
      !peer.vti &&
      !peer.tunnels.some((t) => inCidr(t.local, p.dst) && inCidr(t.remote, p.src))
    )
      return {
        broken: {
          at,
          reason:
            `${r.name}'s tunnel to ${peer.name} does not cover ${S} ` +
            `→ ${D} (selector mismatch: the IPsec policy drops it)`,
          fix: fix.selectors(peer.name, S, D),
        },
      };
  }
  // Not remembered per destination: the index answers faster than a key could be built.
  const route = longestMatchIndexed(reading.routes, routePrefix, p.dst);
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
  // The zone firewall on the way out (docs/traffic-policy.md), between the interfaces used.
  const firewall = ctx.memoOn(r, 'firewall', () => readZoneFirewall(reading.config));
  const inIface =
    ingress.kind === 'vpc'
      ? legOf(r, ingress.vpcId)
      : ingress.kind === 'tunnel'
        ? (peers.named(ingress.peer)?.vti ?? 'eth0')
        : tables.wireguard.find((x) => x.name === ingress.peer)?.iface;
  const cross = (out: string | undefined): Step | undefined => {
    if (!firewall) return undefined;
    const state = p.requestPassed ? replyStateOn(r.name, p.requestPassed, p.protocol) : p.state;
    const by = zoneDrops(firewall, inIface, out, {
      src: S,
      dst: D,
      protocol: p.protocol,
      ...(p.port !== undefined ? { port: p.port } : {}),
      state,
    });
    return by === undefined
      ? undefined
      : {
          broken: {
            at,
            reason:
              `blocked by ${by} on ${r.name}` +
              (state === p.state
                ? ''
                : ` (a reply as ${state}: its request did not pass ${r.name}, whose conntrack ` +
                  'has no entry for it, an asymmetric path)'),
            fix: fix.policyDrops(r.name),
          },
        };
  };
  // The kernel's IPsec policies apply after the route lookup: a matching tunnel takes it.
  const policyPeers = ctx.memoOn(r, 'policy peers', () =>
    tables.peers.filter((x) => !x.vti && !x.disabled),
  );
  for (const peer of policyPeers) {
    const t = peer.tunnels.find((x) => inCidr(x.local, p.src) && inCidr(x.remote, p.dst));
    if (!t) continue;
    p.note(() => `${r.name}: IPsec policy ${t.local} → ${t.remote} (peer ${peer.name})`);
    if (!t.up) return saIsDown(r, peer.name);
    // A policy-based tunnel's packets leave by the outside interface (XFRM, no VTI).
    const blocked = cross(route.iface ?? 'eth0');
    if (blocked) return blocked;
    return overTunnel(ctx, r, peer.name, peer.remoteAddress, p);
  }
  const via = route.nextHop ? ` via ${route.nextHop}` : '';
  p.note(() =>
    `${r.name}: ${route.prefix} (${route.protocol})${via} ${route.iface ?? ''}`.trimEnd(),
  );
  const iface =
    route.iface ??
    ctx.memoOn(route, 'connected interface', () => connectedIface(reading.routes, route.nextHop));
  const blocked = cross(iface);
  if (blocked) return blocked;
  if (iface?.startsWith('vti')) {
    const peer = peers.boundTo(iface);
    if (!peer)
      return {
        broken: {
          at,
          reason: `${r.name}: no IPsec peer binds ${iface}`,
          fix: fix.routerRoute(r.name, p.to.network),
        },
      };
    if (!peer.vtiUp) return saIsDown(r, peer.name);
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
          reason:
            `${w.name} has ` +
            (w.handshakeSecondsAgo === undefined
              ? 'never shaken hands'
              : `not shaken hands for ${w.handshakeSecondsAgo} s`) +
            ': the laptop is not connected',
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

function saIsDown(r: ReachRouter, peer: string): Step {
  return {
    broken: {
      at: r.name,
      reason: `${r.name}'s SA to ${peer} is down`,
      fix: fix.saDown(r.name, peer),
    },
  };
}

const routePrefix = (x: IpRoute) => x.prefix;

/** Build the index of a router's routing table now, not in the first trace that asks it. */
export function indexRouterRoutes(reading: RouterReading): void {
  longestMatchIndexed(reading.routes, routePrefix, 0);
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
        reason: `${r.name} sends ${p.D} out of eth${deviceIndex}, into no VPC of the inventory`,
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
    const farTables = ctx.tables(far.name);
    if (!farTables) return { broken: unreadable(far, far.name) };
    const theirs = peerLookup(farTables).at(mine);
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
      reason: `${p.D} would have to cross site ${peer}, which flatnet cannot see into`,
      fix: fix.routerRoute(r.name, p.to.network),
    },
  };
}

/** The ethernet interface of a router's leg in a VPC (`eth` + its device index). */
function legOf(r: ReachRouter, vpcId: string): string | undefined {
  const i = r.instance;
  const leg = i?.interfaces?.find((x) => x.vpcId === vpcId);
  if (leg) return `eth${leg.deviceIndex}`;
  return i?.vpcId === vpcId ? 'eth0' : undefined;
}

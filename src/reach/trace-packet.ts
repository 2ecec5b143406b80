/**
 * Follow one packet hop by hop through the network as flatnet reads it: a VPC's route table
 * (longest prefix; what a VGW propagates shows there too), a VGW (it sends what it learned
 * over an up tunnel, and delivers into its own VPC only), a router (EC2 source/destination
 * check, its routing table from `show ip route`, then the IPsec policies the kernel applies
 * after the route, VTIs, WireGuard peers by allowed-ips). Far sides flatnet cannot see (a
 * site's router, a laptop) are judged up to their tunnel: the SA is up, the handshake fresh.
 * Stops at the first broken hop, with why and what to do.
 */
import { formatIpv4 } from '../net/cidr.js';
import type { ReachContext } from './reach-context.js';
import type { ReachEndpoint } from './reach-endpoints.js';
import { routerStep } from './step-router.js';
import { vgwStep, vpcStep } from './step-vpc.js';
import {
  fresh,
  unreadable,
  type Broken,
  type Packet,
  type Step,
  type Trace,
} from './trace-hops.js';
import * as fix from './describe-fix.js';

export type { Broken, Trace };

const MAX_HOPS = 40;

export function tracePacket(
  ctx: ReachContext,
  from: ReachEndpoint,
  to: ReachEndpoint,
  withPath = true,
  state: Packet['state'] = 'new',
  probe?: { protocol: 'tcp' | 'udp'; port: number },
  /** A reply: the routers its request passed. */
  requestPassed?: ReadonlySet<string>,
): Trace {
  const hops: string[] = [];
  const judgedUpTo: string[] = [];
  const p: Packet = {
    src: from.address,
    dst: to.address,
    D: formatIpv4(to.address),
    S: formatIpv4(from.address),
    state,
    ...(requestPassed ? { requestPassed } : {}),
    routers: [],
    protocol: probe?.protocol ?? 'icmp',
    ...(probe && probe.port > 0 ? { port: probe.port } : {}),
    to,
    note: withPath ? (h) => void hops.push(h()) : () => undefined,
    farSide: (w) => void (judgedUpTo.includes(w) || judgedUpTo.push(w)),
  };
  const done = (broken?: Broken): Trace =>
    broken
      ? { ok: false, hops, judgedUpTo, broken, routers: p.routers }
      : { ok: true, hops: [...hops, `${to.label} (${p.D})`], judgedUpTo, routers: p.routers };
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
          : `r ${node.router.name} ${node.ingress.kind} ` +
            ('peer' in node.ingress ? node.ingress.peer : '');
    if (seen.has(key))
      return done({
        at: hops[hops.length - 1]?.split(':')[0] ?? from.label,
        reason:
          'routing loop toward ' +
          `${p.D}${hops.length > 0 ? `: ${hops.slice(-2).join(' → ')}` : ''}, and round again`,
        fix: fix.loop(p.D, to.network),
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
    fix: fix.loop(p.D, to.network),
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
        reason:
          `${home.peer} has ` +
          (w?.handshakeSecondsAgo === undefined
            ? 'never shaken hands'
            : `not shaken hands for ${w.handshakeSecondsAgo} s`) +
          ': the laptop is not connected',
        fix: fix.noHandshake(home.peer),
      },
    };
  p.farSide(`wg/${home.peer}'s laptop (flatnet sees a fresh handshake, not its AllowedIPs)`);
  p.note(
    () => `${from.label} → ${router.name} ${w.iface} (handshake ${w.handshakeSecondsAgo} s ago)`,
  );
  return { next: { kind: 'router', router, ingress: { kind: 'wireguard', peer: home.peer } } };
}

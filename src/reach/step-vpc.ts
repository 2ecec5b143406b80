/**
 * A hop in AWS: a VPC's route table (longest prefix; what a VGW propagates shows there too)
 * and a VGW (it sends what it learned over an up tunnel, and delivers into its own VPC only).
 */
import type { Route, RouteTable } from '../aws/types.js';
import type { ReachContext } from './reach-context.js';
import type { ReachVgw, ReachVpc } from './reach-state.js';
import { longestMatchIndexed } from './prefix-index.js';
import { inCidr } from './router-tables.js';
import { vpcName, type Packet, type Step } from './trace-hops.js';
import * as fix from './describe-fix.js';

const routeDestination = (r: Route) => r.destination;

/** Build the index of a VPC's route table now, not in the first trace that asks it. */
export function indexVpcRoutes(table: RouteTable): void {
  longestMatchIndexed(table.routes, routeDestination, 0);
}

export function vpcStep(
  ctx: ReachContext,
  node: { vpc: ReachVpc; fromVgw?: string },
  p: Packet,
): Step {
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
  // Not remembered per destination: the index answers faster than a key could be built.
  const route = longestMatchIndexed(table.routes, routeDestination, p.dst);
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
        reason:
          `${at}: ${route.destination} → ${target} is ` +
          'a blackhole (its target is stopped or gone)',
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
  if (router) return { next: { kind: 'router', router, ingress: { kind: 'vpc', vpcId: vpc.id } } };
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

export function vgwStep(
  ctx: ReachContext,
  node: { vgw: ReachVgw; fromTunnel: boolean },
  p: Packet,
): Step {
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

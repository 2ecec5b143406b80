import { applyFilters, type FilterFields, type QueryParams } from '../query.js';
import type { Ec2State } from '../state.js';
import type { SimRoute, SimRouteTable } from '../types.js';
import { tagSet, type XmlObject } from '../xml.js';
import { routeTableNamed } from '../routes.js';
import { stopIfDryRun, type ActionContext } from './context.js';

const routeTableFilter: FilterFields<SimRouteTable> = {
  'route-table-id': (t) => [t.routeTableId],
  'vpc-id': (t) => [t.vpcId],
  'route.instance-id': (t) => t.routes.map((r) => r.instanceId),
  'route.gateway-id': (t) => t.routes.map((r) => r.gatewayId),
  'route.destination-cidr-block': (t) => t.routes.map((r) => r.destination),
  'association.subnet-id': (t) => t.subnetIds,
  'association.main': (t) => [String(t.main)],
};

/** The instance a route's interface is attached to now (the route follows the interface). */
function instanceOf(state: Ec2State, r: SimRoute): string | undefined {
  return r.networkInterfaceId
    ? state.networkInterfaces.get(r.networkInterfaceId)?.instanceId
    : r.instanceId;
}

function routeTableXml(state: Ec2State, t: SimRouteTable): XmlObject {
  return {
    routeTableId: t.routeTableId,
    vpcId: t.vpcId,
    ownerId: state.accountId,
    routeSet: [
      ...t.routes.map((r) => ({
        destinationCidrBlock: r.destination,
        gatewayId: r.gatewayId,
        instanceId: instanceOf(state, r),
        instanceOwnerId: instanceOf(state, r) ? state.accountId : undefined,
        networkInterfaceId: r.networkInterfaceId,
        state: state.routeState(r),
        origin: r.origin,
      })),
      // AWS lists the routes a VGW propagates beside the table's own (Route.Origin).
      ...state.propagatedRoutes(t).map((r) => ({
        destinationCidrBlock: r.destination,
        gatewayId: r.gatewayId,
        state: 'active',
        origin: 'EnableVgwRoutePropagation',
      })),
    ],
    associationSet: [
      ...(t.main
        ? [
            {
              routeTableAssociationId: `rtbassoc-main-${t.routeTableId.slice(4)}`,
              routeTableId: t.routeTableId,
              main: true,
              associationState: { state: 'associated' },
            },
          ]
        : []),
      ...t.subnetIds.map((subnetId) => ({
        routeTableAssociationId: `rtbassoc-${subnetId.slice(7)}`,
        routeTableId: t.routeTableId,
        subnetId,
        main: false,
        associationState: { state: 'associated' },
      })),
    ],
    propagatingVgwSet: t.propagatingVgws.map((gatewayId) => ({ gatewayId })),
    tagSet: tagSet(t.tags),
  };
}

export function describeRouteTables({ state, region, params }: ActionContext): XmlObject {
  const ids = params.list('RouteTableId');
  const tables =
    ids.length > 0
      ? ids.map((id) =>
          state.need(
            state.routeTables,
            region,
            id,
            'InvalidRouteTableID.NotFound',
            'route table ID',
          ),
        )
      : state.inRegion(state.routeTables, region);
  return {
    routeTableSet: applyFilters(tables, params.filters(), routeTableFilter).map((t) =>
      routeTableXml(state, t),
    ),
  };
}

function routeRequest(params: QueryParams) {
  return {
    routeTableId: params.require('RouteTableId'),
    destination: params.require('DestinationCidrBlock'),
    networkInterfaceId: params.get('NetworkInterfaceId'),
    instanceId: params.get('InstanceId'),
    gatewayId: params.get('GatewayId'),
  };
}

export function replaceRoute(ctx: ActionContext): XmlObject {
  const req = routeRequest(ctx.params);
  if (ctx.params.bool('DryRun')) {
    const table = routeTableNamed(ctx.state, ctx.region, req.routeTableId);
    ctx.state.routeTarget(ctx.region, req);
    // A dry run against a missing route reports the missing route, so a plan can say so.
    if (table.routes.some((r) => r.destination === req.destination)) stopIfDryRun(ctx);
  }
  ctx.state.replaceRoute(ctx.region, req);
  return { return: true };
}

export function createRoute(ctx: ActionContext): XmlObject {
  const req = routeRequest(ctx.params);
  if (ctx.params.bool('DryRun')) {
    routeTableNamed(ctx.state, ctx.region, req.routeTableId);
    ctx.state.routeTarget(ctx.region, req);
    stopIfDryRun(ctx);
  }
  ctx.state.createRoute(ctx.region, req);
  return { return: true };
}

export function deleteRoute(ctx: ActionContext): XmlObject {
  const req = {
    routeTableId: ctx.params.require('RouteTableId'),
    destination: ctx.params.require('DestinationCidrBlock'),
  };
  if (ctx.params.bool('DryRun')) {
    routeTableNamed(ctx.state, ctx.region, req.routeTableId);
    stopIfDryRun(ctx);
  }
  ctx.state.deleteRoute(ctx.region, req);
  return { return: true };
}

import { isCidr } from './cidr.js';
import { Ec2ApiError, invalidParameter } from './ec2-error.js';
import type { Ec2Store } from './ec2-store.js';
import type { RouteState, SimRoute, SimRouteTable } from './types.js';

/** Route-table semantics: targets, the blackhole rule, replace vs create. */

export interface RouteRequest {
  routeTableId: string;
  destination: string;
  networkInterfaceId?: string;
  instanceId?: string;
  gatewayId?: string;
}

/** The table, or AWS's InvalidRouteTableID.NotFound. */
export function routeTableNamed(state: Ec2Store, region: string, id: string): SimRouteTable {
  return state.need(
    state.routeTables,
    region,
    id,
    'InvalidRouteTableID.NotFound',
    'route table ID',
  );
}

/** A route is a blackhole once its target instance is not running or its ENI is gone. */
export function routeState(state: Ec2Store, route: SimRoute): RouteState {
  if (route.gatewayId) return 'active';
  const eni = route.networkInterfaceId
    ? state.networkInterfaces.get(route.networkInterfaceId)
    : undefined;
  if (route.networkInterfaceId && !eni) return 'blackhole';
  // A route to an interface follows the interface: whatever instance it is attached to now
  // (AWS shows that instance in DescribeRouteTables); detached, it is a blackhole.
  const instanceId = route.networkInterfaceId ? eni?.instanceId : route.instanceId;
  if (!instanceId) return 'blackhole';
  return state.instances.get(instanceId)?.state === 'running' ? 'active' : 'blackhole';
}

/**
 * Validate a route target; an instance target is recorded with its primary ENI, as AWS shows it.
 */
export function routeTarget(
  state: Ec2Store,
  region: string,
  t: { networkInterfaceId?: string; instanceId?: string; gatewayId?: string },
): Omit<SimRoute, 'destination' | 'origin'> {
  const given = [t.networkInterfaceId, t.instanceId, t.gatewayId].filter((x) => x !== undefined);
  if (given.length !== 1)
    throw new Ec2ApiError(
      'InvalidParameterCombination',
      'Exactly one route target must be specified.',
    );
  if (t.networkInterfaceId) {
    const eni = state.need(
      state.networkInterfaces,
      region,
      t.networkInterfaceId,
      'InvalidNetworkInterfaceID.NotFound',
      'network interface ID',
    );
    return { networkInterfaceId: eni.networkInterfaceId, instanceId: eni.instanceId };
  }
  if (t.instanceId) {
    const inst = state.need(
      state.instances,
      region,
      t.instanceId,
      'InvalidInstanceID.NotFound',
      'instance ID',
    );
    return { instanceId: inst.instanceId, networkInterfaceId: inst.networkInterfaceId };
  }
  return { gatewayId: t.gatewayId };
}

export function replaceRoute(state: Ec2Store, region: string, req: RouteRequest): void {
  const table = routeTableNamed(state, region, req.routeTableId);
  const target = routeTarget(state, region, req);
  const i = table.routes.findIndex((r) => r.destination === req.destination);
  if (i < 0) {
    throw state.missingRouteCode === 'InvalidParameterValue'
      ? invalidParameter(
          `There is no route defined for '${req.destination}' ` +
            'in the route table. Use CreateRoute instead.',
        )
      : new Ec2ApiError(
          'InvalidRoute.NotFound',
          'no route with destination-cidr-block ' +
            `${req.destination} in route table ${req.routeTableId}`,
        );
  }
  table.routes[i] = { destination: req.destination, ...target, origin: 'CreateRoute' };
  state.emit('route-replaced', {
    routeTableId: table.routeTableId,
    region,
    destination: req.destination,
    ...target,
  });
}

/** AWS checks the destination before anything else (EC2 API reference, CreateRoute). */
function checkDestination(destination: string): void {
  if (!isCidr(destination))
    throw invalidParameter(
      `Value (${destination}) for parameter destinationCidrBlock ` +
        'is invalid. This is not a valid CIDR block.',
    );
}

export function createRoute(state: Ec2Store, region: string, req: RouteRequest): void {
  checkDestination(req.destination);
  const table = routeTableNamed(state, region, req.routeTableId);
  const target = routeTarget(state, region, req);
  const existing = table.routes.find((r) => r.destination === req.destination);
  if (existing) {
    const same =
      existing.networkInterfaceId === target.networkInterfaceId &&
      existing.gatewayId === target.gatewayId;
    if (same) return; // AWS treats an identical CreateRoute as success.
    throw new Ec2ApiError(
      'RouteAlreadyExists',
      `The route identified by ${req.destination} already exists.`,
    );
  }
  table.routes.push({ destination: req.destination, ...target, origin: 'CreateRoute' });
  state.emit('route-created', {
    routeTableId: table.routeTableId,
    region,
    destination: req.destination,
    ...target,
  });
}

/**
 * DeleteRoute (EC2 API reference): a route the table does not have is InvalidRoute.NotFound;
 * the local route cannot be removed (AWS answers InvalidParameterValue "cannot remove local
 * route").
 */
export function deleteRoute(
  state: Ec2Store,
  region: string,
  req: { routeTableId: string; destination: string },
): void {
  checkDestination(req.destination);
  const table = routeTableNamed(state, region, req.routeTableId);
  const i = table.routes.findIndex((r) => r.destination === req.destination);
  if (i < 0)
    throw new Ec2ApiError(
      'InvalidRoute.NotFound',
      `no route with destination-cidr-block ${req.destination} in route table ${req.routeTableId}`,
    );
  if (table.routes[i]!.gatewayId === 'local')
    throw invalidParameter(
      `cannot remove local route ${req.destination} in route table ${req.routeTableId}`,
    );
  table.routes.splice(i, 1);
  state.emit('route-deleted', {
    routeTableId: table.routeTableId,
    region,
    destination: req.destination,
  });
}

/**
 * How a VPC route table learns from a VGW: route propagation (EnableVgwRoutePropagation /
 * DisableVgwRoutePropagation: "the virtual private gateway must be attached to the same VPC
 * that the routing tables are associated with", EC2 API reference) and the static routes of
 * a static-routing VPN connection (CreateVpnConnectionRoute / DeleteVpnConnectionRoute).
 */
import { isCidr } from '../cidr.js';
import { Ec2ApiError, invalidParameter } from '../ec2-error.js';
import type { SimRouteTable, SimVpnConnection, SimVpnGateway } from '../types.js';
import type { XmlObject } from '../xml.js';
import { stopIfDryRun, type ActionContext } from './context.js';

function tableAndGateway(ctx: ActionContext): { table: SimRouteTable; vgw: SimVpnGateway } {
  const { state, region, params } = ctx;
  const table = state.need(
    state.routeTables,
    region,
    params.require('RouteTableId'),
    'InvalidRouteTableID.NotFound',
    'route table ID',
  );
  const vgw = state.need(
    state.vpnGateways,
    region,
    params.require('GatewayId'),
    'InvalidVpnGatewayID.NotFound',
    'vpnGateway ID',
  );
  if (vgw.vpcId !== table.vpcId)
    throw new Ec2ApiError(
      'Gateway.NotAttached',
      `resource ${vgw.vpnGatewayId} is not attached to network ${table.vpcId}`,
    );
  return { table, vgw };
}

export function enableVgwRoutePropagation(ctx: ActionContext): XmlObject {
  const { table, vgw } = tableAndGateway(ctx);
  stopIfDryRun(ctx);
  if (!table.propagatingVgws.includes(vgw.vpnGatewayId))
    table.propagatingVgws.push(vgw.vpnGatewayId);
  ctx.state.emit('routing-changed', { region: ctx.region, action: 'EnableVgwRoutePropagation' });
  return { return: true };
}

export function disableVgwRoutePropagation(ctx: ActionContext): XmlObject {
  const { table, vgw } = tableAndGateway(ctx);
  stopIfDryRun(ctx);
  // The EC2 API reference lists no action-specific error for a table that does not propagate
  // this VGW, so this is modelled as a success that changes nothing. flatnet does not lean on
  // it: attach-vpc's undo disables only the tables its own run turned on.
  table.propagatingVgws = table.propagatingVgws.filter((g) => g !== vgw.vpnGatewayId);
  ctx.state.emit('routing-changed', { region: ctx.region, action: 'DisableVgwRoutePropagation' });
  return { return: true };
}

function connectionAndCidr(ctx: ActionContext): { conn: SimVpnConnection; cidr: string } {
  const { state, region, params } = ctx;
  const conn = state.need(
    state.vpnConnections,
    region,
    params.require('VpnConnectionId'),
    'InvalidVpnConnectionID.NotFound',
    'vpnConnection ID',
  );
  const cidr = params.require('DestinationCidrBlock');
  if (!isCidr(cidr)) throw invalidParameter(`Value (${cidr}) for parameter cidrBlock is invalid.`);
  return { conn, cidr };
}

export function createVpnConnectionRoute(ctx: ActionContext): XmlObject {
  const { conn, cidr } = connectionAndCidr(ctx);
  // AWS: static routes only apply to a connection created with StaticRoutesOnly.
  if (!conn.staticRoutesOnly)
    throw new Ec2ApiError(
      'InvalidVpnConnection.InvalidType',
      `The VPN connection ${conn.vpnConnectionId} uses dynamic (BGP) routing.`,
    );
  stopIfDryRun(ctx);
  if (conn.staticRoutes.includes(cidr))
    throw new Ec2ApiError('RouteAlreadyExists', `The route ${cidr} already exists.`);
  conn.staticRoutes.push(cidr);
  ctx.state.emit('routing-changed', { region: ctx.region, action: 'CreateVpnConnectionRoute' });
  return { return: true };
}

export function deleteVpnConnectionRoute(ctx: ActionContext): XmlObject {
  const { conn, cidr } = connectionAndCidr(ctx);
  stopIfDryRun(ctx);
  if (!conn.staticRoutes.includes(cidr))
    throw new Ec2ApiError('InvalidRoute.NotFound', `The route ${cidr} does not exist.`);
  conn.staticRoutes = conn.staticRoutes.filter((r) => r !== cidr);
  ctx.state.emit('routing-changed', { region: ctx.region, action: 'DeleteVpnConnectionRoute' });
  return { return: true };
}

import { Ec2ApiError } from '../ec2-error.js';
import { applyFilters } from '../query.js';
import type { Ec2State } from '../state.js';
import type { SimCustomerGateway, SimVpnConnection, SimVpnGateway } from '../types.js';
import { tagSet, type XmlObject } from '../xml.js';
import { stopIfDryRun, type ActionContext } from './context.js';

function vgwXml(g: SimVpnGateway): XmlObject {
  return {
    vpnGatewayId: g.vpnGatewayId,
    state: 'available',
    type: 'ipsec.1',
    amazonSideAsn: g.amazonSideAsn,
    attachments: g.vpcId ? [{ vpcId: g.vpcId, state: 'attached' }] : [],
    tagSet: tagSet(g.tags),
  };
}

export function describeVpnGateways({ state, region, params }: ActionContext): XmlObject {
  const ids = params.list('VpnGatewayId');
  const list =
    ids.length > 0
      ? ids.map((id) =>
          state.need(
            state.vpnGateways,
            region,
            id,
            'InvalidVpnGatewayID.NotFound',
            'vpnGateway ID',
          ),
        )
      : state.inRegion(state.vpnGateways, region);
  const filtered = applyFilters(list, params.filters(), {
    'vpn-gateway-id': (g) => [g.vpnGatewayId],
    'attachment.vpc-id': (g) => [g.vpcId],
    'attachment.state': (g) => [g.vpcId ? 'attached' : 'detached'],
    state: () => ['available'],
    'amazon-side-asn': (g) => [String(g.amazonSideAsn)],
  });
  return { vpnGatewaySet: filtered.map(vgwXml) };
}

function cgwXml(c: SimCustomerGateway): XmlObject {
  return {
    customerGatewayId: c.customerGatewayId,
    state: 'available',
    type: 'ipsec.1',
    ipAddress: c.ipAddress,
    bgpAsn: String(c.bgpAsn),
    tagSet: tagSet(c.tags),
  };
}

export function describeCustomerGateways({ state, region, params }: ActionContext): XmlObject {
  const ids = params.list('CustomerGatewayId');
  const list =
    ids.length > 0
      ? ids.map((id) =>
          state.need(
            state.customerGateways,
            region,
            id,
            'InvalidCustomerGatewayID.NotFound',
            'customerGateway ID',
          ),
        )
      : state.inRegion(state.customerGateways, region);
  const filtered = applyFilters(list, params.filters(), {
    'customer-gateway-id': (c) => [c.customerGatewayId],
    'ip-address': (c) => [c.ipAddress],
    'bgp-asn': (c) => [String(c.bgpAsn)],
    state: () => ['available'],
    type: () => ['ipsec.1'],
  });
  return { customerGatewaySet: filtered.map(cgwXml) };
}

export function vpnConnectionXml(state: Ec2State, c: SimVpnConnection): XmlObject {
  return {
    vpnConnectionId: c.vpnConnectionId,
    state: c.state,
    // AWS only serves the configuration while the connection is pending or available.
    customerGatewayConfiguration:
      c.state === 'pending' || c.state === 'available'
        ? state.customerGatewayConfiguration(c)
        : undefined,
    type: 'ipsec.1',
    customerGatewayId: c.customerGatewayId,
    vpnGatewayId: c.vpnGatewayId,
    category: 'VPN',
    options: {
      staticRoutesOnly: c.staticRoutesOnly,
      tunnelInsideIpVersion: 'ipv4',
      tunnelOptionSet: c.tunnels.map((t) => ({
        outsideIpAddress: t.outsideIp,
        tunnelInsideCidr: t.insideCidr,
      })),
    },
    routes: c.staticRoutes.map((destinationCidrBlock) => ({
      destinationCidrBlock,
      source: 'Static',
      state: 'available',
    })),
    vgwTelemetry: state.telemetry(c).map((t) => ({
      outsideIpAddress: t.outsideIp,
      status: t.status,
      lastStatusChange: t.lastStatusChange,
      statusMessage: t.statusMessage,
      acceptedRouteCount: t.acceptedRouteCount,
    })),
    tagSet: tagSet(c.tags),
  };
}

export function describeVpnConnections({ state, region, params }: ActionContext): XmlObject {
  const ids = params.list('VpnConnectionId');
  const list =
    ids.length > 0
      ? ids.map((id) =>
          state.need(
            state.vpnConnections,
            region,
            id,
            'InvalidVpnConnectionID.NotFound',
            'vpnConnection ID',
          ),
        )
      : state.listVpnConnections(region);
  const filtered = applyFilters(list, params.filters(), {
    'vpn-connection-id': (c) => [c.vpnConnectionId],
    'vpn-gateway-id': (c) => [c.vpnGatewayId],
    'customer-gateway-id': (c) => [c.customerGatewayId],
    state: (c) => [c.state],
    'option.static-routes-only': (c) => [String(c.staticRoutesOnly)],
  });
  return { vpnConnectionSet: filtered.map((c) => vpnConnectionXml(state, c)) };
}

export function createCustomerGateway(ctx: ActionContext): XmlObject {
  const { params } = ctx;
  const ipAddress = params.get('PublicIp') ?? params.get('IpAddress');
  if (!ipAddress)
    throw new Ec2ApiError(
      'MissingParameter',
      'The request must contain the parameter PublicIp or IpAddress',
    );
  const type = params.get('Type') ?? 'ipsec.1';
  if (type !== 'ipsec.1')
    throw new Ec2ApiError(
      'InvalidParameterValue',
      `Invalid value '${type}' for Type. Only ipsec.1 is supported.`,
    );
  const bgpAsn = params.int('BgpAsn') ?? 65000;
  stopIfDryRun(ctx);
  return {
    customerGateway: cgwXml(
      ctx.state.createCustomerGateway(ctx.region, {
        ipAddress,
        bgpAsn,
        tags: params.tagSpecification('customer-gateway'),
      }),
    ),
  };
}

export function createVpnConnection(ctx: ActionContext): XmlObject {
  const { state, region, params } = ctx;
  const customerGatewayId = params.require('CustomerGatewayId');
  const vpnGatewayId = params.get('VpnGatewayId');
  if (!vpnGatewayId)
    throw new Ec2ApiError(
      'MissingParameter',
      'The emulator needs VpnGatewayId (transit gateways are not emulated).',
    );
  const tunnels = params
    .members('Options.TunnelOptions')
    .map((t) => ({ insideCidr: t.get('TunnelInsideCidr'), preSharedKey: t.get('PreSharedKey') }));
  const request = {
    customerGatewayId,
    vpnGatewayId,
    staticRoutesOnly: params.bool('Options.StaticRoutesOnly') ?? false,
    tunnels,
    tags: params.tagSpecification('vpn-connection'),
  };
  if (params.bool('DryRun')) {
    state.need(
      state.customerGateways,
      region,
      customerGatewayId,
      'InvalidCustomerGatewayID.NotFound',
      'customerGateway ID',
    );
    state.need(
      state.vpnGateways,
      region,
      vpnGatewayId,
      'InvalidVpnGatewayID.NotFound',
      'vpnGateway ID',
    );
    stopIfDryRun(ctx);
  }
  return { vpnConnection: vpnConnectionXml(state, state.createVpnConnection(region, request)) };
}

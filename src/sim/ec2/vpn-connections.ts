import { ipToInt } from './cidr.js';
import { Ec2ApiError, invalidParameter } from './ec2-error.js';
import { newId, newPreSharedKey } from './ids.js';
import type { Ec2Store } from './ec2-store.js';
import type { SimCustomerGateway, SimVpnConnection, Tags } from './types.js';
import { checkInsideCidr, checkPreSharedKey, pickInsideCidr } from './vpn-tunnels.js';

export interface VpnConnectionRequest {
  customerGatewayId: string;
  vpnGatewayId: string;
  staticRoutesOnly: boolean;
  tunnels: { insideCidr?: string; preSharedKey?: string }[];
  tags: Tags;
}

export function createCustomerGateway(
  state: Ec2Store,
  region: string,
  req: { ipAddress: string; bgpAsn: number; tags: Tags },
): SimCustomerGateway {
  // AWS: an identical request returns the existing gateway instead of a second one.
  for (const c of state.customerGateways.values()) {
    if (c.region === region && c.ipAddress === req.ipAddress && c.bgpAsn === req.bgpAsn) return c;
  }
  ipToInt(req.ipAddress);
  const cgw: SimCustomerGateway = {
    customerGatewayId: newId('cgw'),
    region,
    ipAddress: req.ipAddress,
    bgpAsn: req.bgpAsn,
    tags: { ...req.tags },
  };
  state.customerGateways.set(cgw.customerGatewayId, cgw);
  return cgw;
}

/** Two tunnels, each with its own VGW outside address, /30 inside network and pre-shared key. */
export function createVpnConnection(
  state: Ec2Store,
  region: string,
  req: VpnConnectionRequest,
): SimVpnConnection {
  const cgw = state.need(
    state.customerGateways,
    region,
    req.customerGatewayId,
    'InvalidCustomerGatewayID.NotFound',
    'customerGateway ID',
  );
  const vgw = state.need(
    state.vpnGateways,
    region,
    req.vpnGatewayId,
    'InvalidVpnGatewayID.NotFound',
    'vpnGateway ID',
  );
  if (cgw.bgpAsn === vgw.amazonSideAsn) {
    throw new Ec2ApiError(
      'AsnConflict',
      `The customer gateway ASN ${cgw.bgpAsn} conflicts with ` +
        `the virtual private gateway ASN ${vgw.amazonSideAsn}.`,
    );
  }
  if (req.tunnels.length > 2) throw invalidParameter('A VPN connection has at most two tunnels.');
  // Inside networks must be unique per VGW: that is where AWS checks them.
  const taken = new Set<string>();
  for (const c of state.vpnConnections.values())
    if (c.vpnGatewayId === vgw.vpnGatewayId) for (const t of c.tunnels) taken.add(t.insideCidr);
  for (const t of req.tunnels) {
    if (t.insideCidr !== undefined) {
      checkInsideCidr(t.insideCidr);
      if (taken.has(t.insideCidr))
        throw invalidParameter(
          `The tunnel inside CIDR ${t.insideCidr} is already in use on ${vgw.vpnGatewayId}.`,
        );
    }
    if (t.preSharedKey !== undefined) checkPreSharedKey(t.preSharedKey);
  }
  const first = req.tunnels[0]?.insideCidr;
  if (first !== undefined && first === req.tunnels[1]?.insideCidr)
    throw invalidParameter('The two tunnels need different inside CIDR blocks.');
  const requested = req.tunnels.flatMap((t) => (t.insideCidr ? [t.insideCidr] : []));
  const now = state.now();
  const tunnels = [0, 1].map((n) => {
    const opt = req.tunnels[n] ?? {};
    const insideCidr = opt.insideCidr ?? pickInsideCidr(new Set([...taken, ...requested]));
    taken.add(insideCidr);
    return {
      outsideIp: state.allocatePublicIp('vgw'),
      insideCidr,
      preSharedKey: opt.preSharedKey ?? newPreSharedKey(),
      lastStatus: 'DOWN' as const,
      lastStatusChange: now,
      acceptedRouteCount: 0,
    };
  });
  const conn: SimVpnConnection = {
    vpnConnectionId: newId('vpn'),
    region,
    customerGatewayId: cgw.customerGatewayId,
    vpnGatewayId: vgw.vpnGatewayId,
    staticRoutesOnly: req.staticRoutesOnly,
    state: 'available',
    tunnels,
    staticRoutes: [],
    tags: { ...req.tags },
  };
  state.vpnConnections.set(conn.vpnConnectionId, conn);
  state.emit('vpn-connection-created', { vpnConnectionId: conn.vpnConnectionId, region });
  return conn;
}

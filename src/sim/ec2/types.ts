/** The emulator's model of one AWS account, every region at once. Ids are unique across regions. */

export type Tags = Record<string, string>;

export type InstanceStateName =
  'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

export const INSTANCE_STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export interface SimVpc {
  vpcId: string;
  region: string;
  /** The primary IPv4 range, given at CreateVpc. */
  cidrBlock: string;
  /** Ranges added later (AssociateVpcCidrBlock): DescribeVpcs lists them after the primary. */
  secondaryCidrBlocks: string[];
  tags: Tags;
}

export interface SimSubnet {
  subnetId: string;
  region: string;
  vpcId: string;
  cidrBlock: string;
  availabilityZone: string;
  tags: Tags;
}

export interface SimInstance {
  instanceId: string;
  region: string;
  reservationId: string;
  type: string;
  imageId: string;
  subnetId: string;
  vpcId: string;
  privateIp: string;
  /** The primary ENI (device index 0): what route tables and Elastic IPs point at. */
  networkInterfaceId: string;
  sourceDestCheck: boolean;
  clientToken?: string;
  tags: Tags;
  state: InstanceStateName;
  /** Why it last left `running`/`pending` (EC2's StateReason), e.g. a user-initiated stop. */
  stateReason?: { code: string; message: string };
  launchTime: Date;
}

export interface SimNetworkInterface {
  networkInterfaceId: string;
  region: string;
  subnetId: string;
  vpcId: string;
  privateIp: string;
  instanceId?: string;
  /** A secondary attachment (device index ≥ 1); the primary interface has none of these. */
  attachmentId?: string;
  deviceIndex?: number;
}

export interface SimAddress {
  allocationId: string;
  region: string;
  publicIp: string;
  associationId?: string;
  instanceId?: string;
  networkInterfaceId?: string;
  privateIp?: string;
  tags: Tags;
}

export interface SimRoute {
  destination: string;
  networkInterfaceId?: string;
  instanceId?: string;
  gatewayId?: string;
  origin: 'CreateRouteTable' | 'CreateRoute';
}

export type RouteState = 'active' | 'blackhole';

export interface SimRouteTable {
  routeTableId: string;
  region: string;
  vpcId: string;
  routes: SimRoute[];
  subnetIds: string[];
  main: boolean;
  /** VGWs propagating their routes into this table (EnableVgwRoutePropagation). */
  propagatingVgws: string[];
  tags: Tags;
}

export interface SimImage {
  imageId: string;
  region: string;
  name: string;
  /** ISO 8601, as AWS returns it (a string, not a timestamp, in the API). */
  creationDate: string;
  ownerId: string;
  tags: Tags;
  /** `pending` while AWS still builds it (CreateImage); RunInstances refuses it then. */
  state?: 'available' | 'pending' | 'failed';
}

export interface SimVpnGateway {
  vpnGatewayId: string;
  region: string;
  amazonSideAsn: number;
  vpcId?: string;
  tags: Tags;
}

export interface SimCustomerGateway {
  customerGatewayId: string;
  region: string;
  ipAddress: string;
  bgpAsn: number;
  tags: Tags;
}

export type TunnelStatus = 'UP' | 'DOWN';

export interface SimVpnTunnel {
  /** The VGW's outside address: the IPsec remote address for the customer gateway. */
  outsideIp: string;
  /** A /30 in 169.254.0.0/16: VGW gets the first host, the customer gateway the second. */
  insideCidr: string;
  preSharedKey: string;
  lastStatus: TunnelStatus;
  lastStatusChange: Date;
  acceptedRouteCount: number;
}

export interface SimVpnConnection {
  vpnConnectionId: string;
  region: string;
  customerGatewayId: string;
  vpnGatewayId: string;
  staticRoutesOnly: boolean;
  state: 'pending' | 'available' | 'deleting' | 'deleted';
  tunnels: SimVpnTunnel[];
  /** CreateVpnConnectionRoute: what the VGW sends down this connection (static routing). */
  staticRoutes: string[];
  tags: Tags;
}

/**
 * What a tunnel status provider may answer: a bare status, or a status with the BGP route count.
 */
export type TunnelStatusAnswer =
  TunnelStatus | { status: TunnelStatus; acceptedRouteCount?: number };
export type TunnelStatusProvider = (
  conn: Readonly<SimVpnConnection>,
  tunnelIndex: number,
) => TunnelStatusAnswer;

export interface Ec2Events {
  'instance-state': [
    { instanceId: string; region: string; from: InstanceStateName; to: InstanceStateName },
  ];
  'address-associated': [
    {
      allocationId: string;
      region: string;
      publicIp: string;
      instanceId?: string;
      networkInterfaceId: string;
      previousNetworkInterfaceId?: string;
    },
  ];
  'route-replaced': [
    {
      routeTableId: string;
      region: string;
      destination: string;
      networkInterfaceId?: string;
      instanceId?: string;
      gatewayId?: string;
    },
  ];
  'route-created': [
    {
      routeTableId: string;
      region: string;
      destination: string;
      networkInterfaceId?: string;
      instanceId?: string;
      gatewayId?: string;
    },
  ];
  /** Detach or attach of an extra interface: the router's legs change. */
  'interface-moved': [{ networkInterfaceId: string; from?: string; to?: string }];
  'route-deleted': [{ routeTableId: string; region: string; destination: string }];
  'vpn-connection-created': [{ vpnConnectionId: string; region: string }];
  /** Route propagation or a static VPN route changed: what VPC route tables learn. */
  'routing-changed': [{ region: string; action: string }];
  /** A call has arrived (before any injected latency). */
  'request-received': [{ action: string; region: string; requestId: string }];
  /**
   * Every API call as answered, for tests and the demo's activity log (no parameters: they may hold
   * keys).
   */
  request: [{ action: string; region: string; status: number; code?: string; requestId: string }];
}

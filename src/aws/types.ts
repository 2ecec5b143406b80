/** flatnet's view of EC2: plain objects, no SDK types, so runbooks and fakes stay simple. */

export type Tags = Record<string, string>;

export type InstanceState =
  'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

export interface RouterInstance {
  instanceId: string;
  region: string;
  state: InstanceState;
  type: string;
  imageId: string;
  privateIp: string;
  /** The primary ENI (device index 0): what routes and the Elastic IP point at. */
  networkInterfaceId: string;
  /** Interfaces attached besides the primary (a leg into another VPC), by device index. */
  extraInterfaces?: { networkInterfaceId: string; attachmentId: string; deviceIndex: number }[];
  sourceDestCheck: boolean;
  tags: Tags;
  subnetId?: string;
  vpcId?: string;
  /** Every attached interface by device index (eth0 = 0, eth1 = 1…), when EC2 listed them. */
  interfaces?: InstanceInterface[];
  publicIp?: string;
  clientToken?: string;
  launchTime?: Date;
  /** EC2's StateReason message, when it stopped or terminated for a reason it names. */
  stateReason?: string;
}

export interface InstanceInterface {
  networkInterfaceId: string;
  deviceIndex: number;
  privateIp?: string;
  subnetId?: string;
  vpcId?: string;
}

export interface ElasticIp {
  allocationId: string;
  region: string;
  publicIp: string;
  associationId?: string;
  instanceId?: string;
  networkInterfaceId?: string;
  privateIp?: string;
  tags: Tags;
}

export interface Route {
  destination: string;
  networkInterfaceId?: string;
  instanceId?: string;
  gatewayId?: string;
  /** `blackhole` when the target instance is stopped or its interface is gone. */
  state: 'active' | 'blackhole';
  /** Learnt from a VGW (origin `EnableVgwRoutePropagation`), not written into the table. */
  propagated?: boolean;
}

export interface RouteTable {
  id: string;
  vpcId: string;
  routes: Route[];
  subnetIds: string[];
  main: boolean;
  /** VGWs whose learnt routes this table receives (route propagation on). */
  propagatingVgws: string[];
  tags: Tags;
}

export interface VpnTunnelTelemetry {
  /** The VGW's outside address of this tunnel. */
  outsideIp: string;
  status: 'UP' | 'DOWN';
  statusMessage: string;
  lastStatusChange?: Date;
  acceptedRouteCount?: number;
}

export interface VpnConnection {
  id: string;
  state: string;
  vpnGatewayId: string;
  customerGatewayId: string;
  staticRoutesOnly: boolean;
  /**
   * The XML AWS generated, pre-shared keys included: hand it to the renderer, never to a log,
   * a thread or a Run record.
   */
  customerGatewayConfiguration?: string;
  tunnels: VpnTunnelTelemetry[];
  tags: Tags;
}

/** A VPC as DescribeVpcs gives it: its IPv4 ranges in use (primary first) and its tags. */
export interface Vpc {
  id: string;
  /** Every associated range (`cidrBlockAssociationSet`), the primary one first. */
  cidrs: string[];
  tags: Tags;
}

export interface VpnGateway {
  id: string;
  state: string;
  amazonSideAsn?: number;
  /** VPCs the gateway is attached to (state `attached`). */
  vpcIds: string[];
  tags: Tags;
}

export interface CustomerGateway {
  id: string;
  ipAddress: string;
  bgpAsn: number;
  state: string;
  tags: Tags;
}

export interface Image {
  imageId: string;
  name: string;
  /** ISO 8601 as AWS reports it. */
  creationDate: string;
  tags: Tags;
}

export interface LaunchRequest {
  imageId: string;
  type: string;
  subnetId: string;
  privateIp?: string;
  /** Derived from the run and the step (≤ 64 ASCII chars): a resumed run never launches twice. */
  clientToken: string;
  tags: Tags;
  dryRun?: boolean;
}

export interface RouteTableFilter {
  vpcId?: string;
  routeTableIds?: string[];
  /** Tables with at least one route to this interface. */
  networkInterfaceId?: string;
}

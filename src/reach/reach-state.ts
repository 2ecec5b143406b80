/**
 * The network as `/vpn reach` reads it, all from real state: EC2 (route tables with what the
 * VGWs propagate, instances, VPN connections and their telemetry, VGWs) and each router over
 * SSH (running configuration, SAs, WireGuard handshakes, routing table).
 */
import type { RouterEntry } from '../config/inventory-schema.js';
import type { RouteTable, RouterInstance, VpnConnection, VpnGateway } from '../aws/types.js';
import type { ConfigLine, IpRoute, IpsecSaReport, WireguardStatus } from '../vyos/types.js';

/** What one router said over SSH (one session, read once for status and reach alike). */
export interface RouterReading {
  config: ConfigLine[];
  sas: IpsecSaReport;
  routes: IpRoute[];
  /** Per WireGuard interface of its configuration. */
  wireguard: WireguardStatus[];
}

export interface ReachRouter {
  name: string;
  entry: RouterEntry;
  instance?: RouterInstance;
  reading?: RouterReading;
  /** Why it could not be read over SSH. */
  error?: string;
}

export interface ReachVpc {
  region: string;
  name: string;
  id: string;
  cidr: string;
  /**
   * `false` for a VPC the inventory does not list, attached through a VGW with a VPN connection
   * (`/vpn attach-vpc`): known from EC2 (DescribeVpcs), with every range it has.
   */
  listed?: false;
  /** Every range, when EC2 named more than `cidr` (an unlisted VPC's secondary ranges). */
  cidrs?: string[];
  /** The table its subnets use: the main one (flatnet judges a VPC by its main table). */
  table?: RouteTable;
}

export interface ReachVgw {
  region: string;
  gateway: VpnGateway;
  connections: VpnConnection[];
  /** What it propagates into the tables that receive it; undefined when no table does. */
  learned?: string[];
}

export interface ReachState {
  routers: ReachRouter[];
  vpcs: ReachVpc[];
  vgws: ReachVgw[];
  /** What could not be read from EC2, per region. */
  errors: string[];
}

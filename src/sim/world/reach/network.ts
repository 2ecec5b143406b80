/**
 * The world as the reachability oracle sees it: plain data built from the simulator's own
 * state (EC2 emulator, each router's running configuration and SA states, far-side routers,
 * WireGuard client files). Pure, so that unit tests can build small worlds by hand.
 */
import type { Prefix } from './ipv4.js';
import type { RouterConfig } from './router-config.js';

/** One ethernet leg of a router: an ENI in a VPC subnet, or a site's LAN / uplink. */
export interface Leg {
  iface: string;
  address: number;
  prefix: Prefix;
  /** The subnet's gateway (VPC router, .1): where a DHCP default route points. */
  gateway?: number;
  vpc?: { vpcId: string; subnetId: string };
  /** A site's LAN, where its hosts live. */
  lan?: boolean;
}

export interface NetRouter {
  /** Instance id, or `site:<name>` for a far-side router. */
  id: string;
  name: string;
  kind: 'instance' | 'site';
  up: boolean;
  config: RouterConfig;
  legs: Leg[];
  /** The address the Internet reaches it at (the Elastic IP it holds, a site's address). */
  publicIp?: string;
  /** EC2 source/destination check: a router instance with it on forwards nothing. */
  sourceDestCheck: boolean;
}

/** Who answers on the far side of an up IPsec SA. */
export type SaFar =
  | { kind: 'router'; id: string; peer: string }
  | { kind: 'vgw'; vgwId: string; vpnConnectionId: string; tunnelIndex: number };

export type SaState = { up: true; far: SaFar } | { up: false; reason: string };

export type RouteTarget =
  | { kind: 'local' }
  | { kind: 'instance'; instanceId?: string; eni?: string; blackhole: boolean }
  | { kind: 'vgw'; vgwId: string }
  | { kind: 'other'; id: string };

export interface NetRoute {
  prefix: Prefix;
  target: RouteTarget;
  /** Propagated by a VGW (shown as `origin: EnableVgwRoutePropagation` by AWS). */
  propagated?: boolean;
}

export interface NetRouteTable {
  routeTableId: string;
  main: boolean;
  subnetIds: string[];
  routes: NetRoute[];
  propagatingVgws: string[];
}

export interface NetVpc {
  vpcId: string;
  cidr: Prefix;
  subnets: { subnetId: string; prefix: Prefix }[];
  tables: NetRouteTable[];
}

export interface NetVpnConnection {
  vpnConnectionId: string;
  staticRoutesOnly: boolean;
  /** The customer gateway's BGP ASN: what the VGW expects the router's system-as to be. */
  cgwAsn: number;
  staticRoutes: Prefix[];
  tunnels: { index: number; inside: Prefix }[];
}

export interface NetVgw {
  vgwId: string;
  asn: number;
  vpcId?: string;
  connections: NetVpnConnection[];
}

export interface NetWireguardClient {
  name: string;
  /** [Interface] Address (its /32). */
  address: Prefix;
  publicKey: string;
  /** [Peer] PublicKey: the server it talks to. */
  serverPublicKey: string;
  endpoint: { ip: string; port: number };
  allowedIps: Prefix[];
}

export type EndpointHome =
  | { kind: 'vpc'; vpcId: string; subnetId: string }
  | { kind: 'site'; routerId: string }
  | { kind: 'wireguard'; name: string };

export interface Endpoint {
  label: string;
  /** The host a test packet starts from or goes to. */
  address: number;
  /** The network the label stands for (a VPC CIDR, a LAN, a client's /32). */
  network: Prefix;
  home: EndpointHome;
}

export interface Network {
  routers: NetRouter[];
  vpcs: NetVpc[];
  vgws: NetVgw[];
  wireguardClients: NetWireguardClient[];
  endpoints: Endpoint[];
  /** SA state of one IPsec peer of one router (instance or site). */
  sa(routerId: string, peer: string): SaState;
}

/**
 * The reference topology as plain data: what the world seeds into the EC2 emulator and the
 * VyOS routers, and what the inventory describes. Ids follow `examples/flatnet.yml` where the
 * emulator lets us choose them (VPCs, subnets, route tables, Elastic IPs, gateways).
 */

export type RouterRole = 'hub' | 'standby' | 'spoke';

export interface TopoSubnet {
  id: string;
  name: 'public' | 'private' | 'secure';
  cidr: string;
}

/** A route in a VPC route table that sends a remote CIDR to a router's primary interface. */
export interface TopoRoute {
  destination: string;
  router: string;
}

export interface TopoVpc {
  id: string;
  /** Inventory name: `hub`, `production`, `staging`, `shared-services`, `analytics`. */
  name: string;
  region: string;
  cidr: string;
  subnets: TopoSubnet[];
  routeTableId: string;
  routes: TopoRoute[];
  /**
   * How the VPC reaches the hub: the hub itself, through its own spoke router, or through a VGW.
   */
  reach: { kind: 'hub' } | { kind: 'spoke'; router: string } | { kind: 'vgw'; vgwId: string };
}

export interface TopoElasticIp {
  allocationId: string;
  publicIp: string;
}

export interface TopoRouter {
  name: string;
  region: string;
  role: RouterRole;
  vpcId: string;
  subnetId: string;
  privateIp: string;
  type: string;
  ladder: string[];
  asn?: number;
  elasticIp?: TopoElasticIp;
  standby?: string;
  /** Spokes: the VTI number N (vtiN, 169.254.N.0/30) of the tunnel to the hub. */
  vti?: number;
  /** Spokes: the CIDRs announced by BGP (the Production and Staging VPCs). */
  networks: string[];
}

export interface TopoVgw {
  id: string;
  region: string;
  vpcId: string;
  asn: number;
}

/** An AWS VPN connection the world creates at start; the emulator picks the outside addresses. */
export interface TopoVpnConnection {
  name: string;
  vgwId: string;
  region: string;
  customerGatewayIp: string;
  customerGatewayAsn: number;
  tunnels: { insideCidr: string; preSharedKey: string }[];
}

export interface TopoOffice {
  /** Peer name on the hub. */
  name: string;
  remoteAddress: string;
  localPrefix: string;
  remotePrefix: string;
  preSharedKey: string;
  /** The office's own configuration names the hub by this address. */
  expectsPublicIp: string;
  /** The office router's uplink (its public address lives there) and its LAN's gateway. */
  uplink: string;
  uplinkGateway: string;
}

export interface TopoWireguard {
  interface: string;
  address: string;
  pool: string;
  port: number;
  privateKey: string;
  publicKey: string;
  /** Each peer's private key lives only in its client file (the laptop), never on a router. */
  peers: { name: string; publicKey: string; privateKey: string; address: string }[];
}

export interface TopoImage {
  region: string;
  name: string;
  creationDate: string;
  version: string;
}

export interface Topology {
  hub: { region: string; asn: number; publicIp: string };
  /** The flat network's aggregates (the inventory's `network.aggregates`). */
  network: string[];
  vpcs: TopoVpc[];
  routers: TopoRouter[];
  vgws: TopoVgw[];
  vpnConnections: TopoVpnConnection[];
  office: TopoOffice;
  wireguard: TopoWireguard;
  images: TopoImage[];
  /** Pre-shared key per hub↔spoke pair, by spoke name. Secret: never log. */
  spokePsks: Record<string, string>;
  /** The bot's SSH public key line (`ssh-ed25519 AAAA…`), authorized on every router. */
  botPublicKey: string;
}

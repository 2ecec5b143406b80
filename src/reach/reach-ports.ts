/**
 * What `/vpn reach` reads, as narrow ports: the router pool (src/vyos) and the EC2 adapter
 * (src/aws) implement them. Every call is a read.
 */
import type { RouteTable, RouterInstance, Vpc, VpnConnection, VpnGateway } from '../aws/types.js';
import type { RouterReadRequest, RouterReadResult } from '../vyos/router-client.js';
import type { ConfigLine, IpRoute, IpsecSaReport, WireguardStatus } from '../vyos/types.js';

export interface ReachRouterClient {
  /**
   * Several reads in one round trip (the router pool's clients have it); a client without it
   * is asked one read after another.
   */
  readAtOnce?(request: RouterReadRequest): Promise<RouterReadResult>;
  runningConfig(): Promise<ConfigLine[]>;
  ipsecReport(): Promise<IpsecSaReport>;
  wireguard(iface?: string): Promise<WireguardStatus>;
  ipRoutes(): Promise<IpRoute[]>;
}

export interface ReachRouters {
  router(name: string): ReachRouterClient;
}

export interface ReachCloud {
  findRouterInstances(
    region: string,
    query: { names: string[]; instanceIds: string[] },
  ): Promise<RouterInstance[]>;
  describeRouteTables(region: string): Promise<RouteTable[]>;
  describeVpnConnections(region: string): Promise<VpnConnection[]>;
  describeVpnGateways(region: string): Promise<VpnGateway[]>;
  /** The ranges of the attached VPCs the inventory does not list (never asked with no ids). */
  describeVpcs(region: string, vpcIds: string[]): Promise<Vpc[]>;
}

/**
 * What the status runbook needs from the routers and the cloud, as narrow ports: the router
 * pool (src/vyos) and the EC2 adapter (src/aws) implement them; tests may pass simulators.
 */
import type { ReachRouterClient } from '../reach/reach-ports.js';
import type { BgpSummary, LoadAverage } from '../vyos/types.js';

/**
 * The configured peers (a real VyOS lists only the SAs that exist, never a down peer), SAs,
 * WireGuard, the routing table (for the reachability headline), BGP and load.
 */
export interface StatusRouterClient extends ReachRouterClient {
  bgpSummary(): Promise<BgpSummary | null>;
  loadAverage(): Promise<LoadAverage>;
}

export interface StatusRouters {
  router(name: string): StatusRouterClient;
}

export interface VpnTunnelTelemetry {
  outsideIp: string;
  status: 'UP' | 'DOWN';
  statusMessage?: string;
}

export interface VpnConnectionTelemetry {
  id: string;
  state: string;
  vpnGatewayId?: string;
  tunnels: VpnTunnelTelemetry[];
  tags?: Record<string, string>;
}

export interface StatusCloud {
  describeVpnConnections(region: string): Promise<VpnConnectionTelemetry[]>;
}

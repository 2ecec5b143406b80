/**
 * What `/vpn status` found: the status job builds it, the reporters render it
 * (Block Kit for Slack, plain text for the CLI).
 */
import type { ReachSummary } from './reach-report.js';

export type Health = 'ok' | 'warn' | 'down';

export interface TunnelStatus {
  /**
   * The name an operator knows it by: the IPsec peer, the WireGuard peer, or the VPN connection
   * tunnel.
   */
  name: string;
  kind: 'ipsec' | 'wireguard' | 'bgp' | 'vgw';
  state: 'up' | 'down';
  remote?: string;
  /** Short detail: uptime, last handshake, prefixes received, telemetry message. */
  detail?: string;
}

/** One egress shaper (or a class of it held to its own limit) between two readings. */
export interface ShaperLoad {
  iface: string;
  /** What is limited, from the shaper's or the class's description, else their names. */
  what: string;
  limitBits: number;
  bitsPerSecond: number;
  /** Packets the shaper dropped in the interval (it drops only what exceeds the limit). */
  drops: number;
  intervalSeconds: number;
  /** At or near its limit: ≥ 90 % of it on average, or packets dropped. */
  atLimit: boolean;
}

export interface RouterStatus {
  router: string;
  region: string;
  role: 'hub' | 'spoke' | 'standby';
  reachable: boolean;
  /** Why the router could not be read, in words an operator can act on. */
  error?: string;
  tunnels: TunnelStatus[];
  /** 5-minute load average (raw, as in /proc/loadavg). */
  load5?: number;
  loadThreshold?: number;
  /** The instance as EC2 said when the run was planned (`unknown`: EC2 could not be read). */
  instance?: { id: string; state: string };
  /**
   * A standby whose configuration differs from its primary's (src/vyos/compare-standby-config.ts).
   */
  drift?: { primary: string; lines: number };
  /**
   * Its egress shapers, judged from their counters now and at the previous status read
   * (src/status/shaper-load.ts); absent when there is no earlier reading to compare with.
   */
  shaping?: ShaperLoad[];
  /** Shaper counters that could not be read, one line each. */
  shapingErrors?: string[];
}

export interface RegionVpnStatus {
  region: string;
  /** Why the region's AWS VPN telemetry could not be read. */
  error?: string;
  tunnels: TunnelStatus[];
}

export interface Problem {
  severity: 'down' | 'warn';
  /** Router or region the problem belongs to. */
  where: string;
  text: string;
}

export interface StatusReport {
  scope: string;
  generatedAt: number;
  routers: RouterStatus[];
  regions: RegionVpnStatus[];
  /** Problems first: unreachable routers, tunnels down, BGP not established, high load. */
  problems: Problem[];
  /** Whether every network reaches every other (the whole network's status only). */
  reach?: ReachSummary;
}

/**
 * What the router driver reads from VyOS op mode, in the operator's words. Parsers in this
 * folder produce these; runbooks and the status report consume them.
 */

/** One line of VyOS configuration: `set`/`delete` plus the path words and an optional value. */
export interface ConfigLine {
  op: 'set' | 'delete';
  path: string[];
  value?: string;
}

/** One IPsec child SA (`show vpn ipsec sa`), or one tunnel row of the old per-peer format. */
export interface IpsecSa {
  /**
   * Child name as VyOS prints it: `<peer>-tunnel-<N>` or `<peer>-vti` (old format:
   * `<peer-ip>-tunnel-<N>`).
   */
  connection: string;
  /** The site-to-site peer the child belongs to (the connection name minus its suffix). */
  peer: string;
  /** `tunnel-0`, `vti`, or undefined when the name carries no suffix. */
  tunnel?: string;
  state: 'up' | 'down';
  /** Seconds the SA has been up; undefined when VyOS printed nothing. */
  uptimeSeconds?: number;
  bytesIn: number;
  bytesOut: number;
  packetsIn?: number;
  packetsOut?: number;
  remoteAddress?: string;
  remoteId?: string;
  proposal?: string;
}

export interface IpsecSaReport {
  sas: IpsecSa[];
  /** False when the router said `IPsec not initialized` (1.3: `IPsec process not running`). */
  processRunning: boolean;
}

export interface WireguardPeerStatus {
  /** The VyOS peer name (1.5 prints it); undefined on 1.4 where peers are listed by key. */
  name?: string;
  publicKey: string;
  endpoint?: string;
  allowedIps: string[];
  /** Seconds since the latest handshake; undefined when there never was one. */
  latestHandshakeSeconds?: number;
  bytesReceived: number;
  bytesSent: number;
  persistentKeepaliveSeconds?: number;
}

export interface WireguardStatus {
  interface: string;
  publicKey?: string;
  listeningPort?: number;
  peers: WireguardPeerStatus[];
}

export type BgpNeighborState =
  | 'Established'
  | 'Idle'
  | 'Idle (Admin)'
  | 'Idle (PfxCt)'
  | 'Connect'
  | 'Active'
  | 'OpenSent'
  | 'OpenConfirm'
  | string;

export interface BgpNeighbor {
  address: string;
  remoteAs: number;
  /** `never` maps to undefined; otherwise seconds the session has been in its current state. */
  upDownSeconds?: number;
  upDown: string;
  state: BgpNeighborState;
  /** Prefixes received; only when Established. */
  prefixesReceived?: number;
  prefixesSent?: number;
  description?: string;
}

export interface BgpSummary {
  routerId?: string;
  localAs?: number;
  neighbors: BgpNeighbor[];
}

export interface LoadAverage {
  load1: number;
  load5: number;
  load15: number;
}

export interface SystemUptime {
  uptimeSeconds: number;
  /** 1.4+ print load as percent of all cores; present only when the output had them. */
  loadPercent?: { load1: number; load5: number; load15: number };
}

/** One route the kernel forwards by, from `show ip route` (selected and in the FIB). */
export interface IpRoute {
  /** `10.0.0.0/16`. */
  prefix: string;
  protocol: 'kernel' | 'connected' | 'static' | 'bgp' | 'ospf' | 'other';
  distance: number;
  metric: number;
  /** The gateway (`via X`); absent for a directly connected route. */
  nextHop?: string;
  /** The outgoing interface: `eth0`, `vti1`, `wg0`. */
  iface?: string;
  /** `unreachable (blackhole)`: packets are dropped. */
  blackhole?: boolean;
}

/**
 * One HTB class of an interface's egress shaper as `tc -s class show dev <if>` prints it
 * (VyOS 1.4 has no op-mode command for shaper counters: `show qos` came in 1.5). Counters are
 * cumulative since the qdisc was created (a qos commit or a boot replaces it).
 */
export interface ShaperClass {
  /** `1:1` (the shaper's own, the root), `1:a` (class 10), … */
  handle: string;
  root: boolean;
  /** Guaranteed and ceiling rates, bit/s. */
  rateBits: number;
  ceilBits: number;
  bytes: number;
  packets: number;
  drops: number;
  overlimits: number;
}

/** One interface's shaper counters and the router's clock (`/proc/uptime`) just after. */
export interface ShaperSample {
  iface: string;
  /** Seconds since boot, from the same exchange as the counters. */
  uptimeSeconds: number;
  classes: ShaperClass[];
  /** Why the counters could not be read (the rest of the router's read stands). */
  error?: string;
}

/**
 * What the router's daemons would report right now. The emulator renders its status outputs
 * from the configuration plus this; a world model replaces it per router to say which
 * tunnels are up.
 */
export interface IpsecSaState {
  /** `false` with `installing` unset means strongSwan has no child SA: no row is printed. */
  up: boolean;
  /** The child SA is being negotiated (strongSwan state INSTALLING): a row of `N/A` columns. */
  installing?: boolean;
  uptimeSeconds?: number;
  bytesIn?: number;
  bytesOut?: number;
  packetsIn?: number;
  packetsOut?: number;
  /** strongSwan's proposal text; derived from the esp-group when absent. */
  proposal?: string;
}

export interface WireguardPeerState {
  handshakeSecondsAgo?: number;
  endpoint?: string;
  rxBytes?: number;
  txBytes?: number;
}

export interface BgpNeighborState {
  state: 'Established' | 'Active' | 'Idle' | 'Connect' | string;
  upSeconds?: number;
  prefixesReceived?: number;
  prefixesSent?: number;
}

/**
 * One route of zebra's RIB as `show ip route` lists it. The world builds these from the
 * router's configuration and tunnel states (src/sim/world/reach/route-table.ts).
 */
export interface IpRouteState {
  /** `10.0.0.0/16`. */
  prefix: string;
  protocol: 'kernel' | 'connected' | 'static' | 'bgp';
  distance: number;
  metric: number;
  /** Chosen for the prefix (`>`), and so installed in the kernel (`*`). */
  selected: boolean;
  /** The next hop's address (`via X`); absent for a directly connected or blackhole route. */
  nextHop?: string;
  iface?: string;
  blackhole?: boolean;
  ageSeconds: number;
}

export interface RouterLiveState {
  /** `undefined` (or `{ up: false }`) means strongSwan has no child SA: the row is absent. */
  ipsecSa(peer: string, child: string): IpsecSaState | undefined;
  wireguardPeer(iface: string, publicKey: string): WireguardPeerState;
  bgpNeighbor(address: string): BgpNeighborState;
  loadavg(): [number, number, number];
  uptimeSeconds(): number;
  /** zebra's IPv4 RIB; absent outside a world (the router then shows no routes). */
  ipRoutes?(): IpRouteState[];
}

/** Everything configured is up and quiet: a healthy router right after a calm day. */
export function createDefaultLiveState(bootedAt: () => number = () => Date.now()): RouterLiveState {
  // sshd answers about half a minute after the kernel starts, and the SAs a few seconds later.
  const since = (): number => 30 + Math.max(0, Math.floor((Date.now() - bootedAt()) / 1000));
  return {
    ipsecSa: () => ({
      up: true,
      uptimeSeconds: since() - 25,
      bytesIn: 0,
      bytesOut: 0,
      packetsIn: 0,
      packetsOut: 0,
    }),
    wireguardPeer: () => ({}),
    bgpNeighbor: () => ({
      state: 'Established',
      upSeconds: since(),
      prefixesReceived: 0,
      prefixesSent: 0,
    }),
    loadavg: () => [0.08, 0.05, 0.01],
    uptimeSeconds: since,
  };
}

const processStart = Date.now();

export const defaultLiveState: RouterLiveState = createDefaultLiveState(() => processStart);

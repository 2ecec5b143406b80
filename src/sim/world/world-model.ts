/**
 * The world's judgement of which tunnels are up and which VPCs are forwarded, kept current
 * by events (EC2 transitions, Elastic IP moves, route changes, commits, resets) and by one
 * timer set to the next instant a tunnel finishes establishing. Each router's `live` state
 * and the VGW telemetry read from here.
 */
import { parseCidr } from '../../net/cidr.js';
import type { Ec2State } from '../ec2/state.js';
import type { SimVpnConnection, TunnelStatusAnswer } from '../ec2/types.js';
import type { RouterLiveState } from '../vyos/live-state.js';
import {
  checkTunnel,
  type FarEnd,
  type OracleContext,
  type OracleRouter,
  type VpnTunnelView,
} from './check-tunnel.js';
import { ForwardingTimeline } from './forwarding-timeline.js';
import {
  peerCarryingNeighbor,
  readRouterConfig,
  type RouterConfigView,
} from './read-router-config.js';
import type { TopoVpc, Topology } from './topology-types.js';

export type LoadAverages = [number, number, number];

/** What the model needs to know about one simulated router (one per EC2 instance). */
export interface RouterRecord {
  instanceId: string;
  name: string;
  /** The active configuration as `set` lines. */
  readConfig(): readonly string[];
  powered: boolean;
  poweredSince: number;
  /** Last `restart ipsec`, reboot or power-on: every SA re-establishes from here. */
  ipsecRestartedAt: number;
  /** Last `reset vpn ipsec site-to-site peer X`, per peer. */
  peerResetAt: Map<string, number>;
  forcedDown: Set<string>;
  load: LoadAverages;
}

export interface TunnelState {
  peer: string;
  /** Conditions hold (the SA is up or establishing). */
  ok: boolean;
  reason: string;
  far?: FarEnd;
  /** When conditions started holding; undefined while they do not. */
  since?: number;
  /** When the SA is (or will be) up; undefined while conditions do not hold. */
  upAt?: number;
}

export interface WorldModelOptions {
  state: Ec2State;
  topology: Topology;
  tunnelUpMs: number;
  now?: () => number;
  /** Called after each evaluation (the control API uses it to nothing; tests may). */
  onEvaluate?: () => void;
}

const OFFICE_VPC = 'office';

export class WorldModel {
  readonly timeline: ForwardingTimeline;
  readonly routers = new Map<string, RouterRecord>();
  private readonly views = new Map<string, RouterConfigView>();
  private readonly tunnels = new Map<string, Map<string, TunnelState>>();
  private readonly wireguardActive = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly now: () => number;
  tunnelUpMs: number;

  constructor(private readonly options: WorldModelOptions) {
    this.now = options.now ?? Date.now;
    this.tunnelUpMs = options.tunnelUpMs;
    this.timeline = new ForwardingTimeline(this.now);
    for (const p of options.topology.wireguard.peers) this.wireguardActive.set(p.publicKey, 0);
  }

  addRouter(record: RouterRecord): void {
    this.routers.set(record.instanceId, record);
    this.views.delete(record.instanceId);
    this.evaluate();
  }

  routerNamed(name: string): RouterRecord | undefined {
    for (const r of this.routers.values()) if (r.name === name) return r;
    return undefined;
  }

  /** The router's configuration changed (commit, reboot into the saved one): re-read it. */
  configChanged(instanceId: string): void {
    this.views.delete(instanceId);
    this.evaluate();
  }

  view(instanceId: string): RouterConfigView {
    let v = this.views.get(instanceId);
    if (!v) {
      const r = this.routers.get(instanceId);
      v = readRouterConfig(r ? r.readConfig() : []);
      this.views.set(instanceId, v);
    }
    return v;
  }

  /** Mark a WireGuard client as connected (handshakes) or gone. */
  setWireguardActive(publicKey: string, active: boolean): void {
    if (active) this.wireguardActive.set(publicKey, this.now());
    else this.wireguardActive.delete(publicKey);
  }

  /**
   * Declare every tunnel whose conditions hold now as established since `at`: the world
   * starts as a network that has been running for a while, not one booting all at once.
   */
  settle(at: number): void {
    this.evaluate();
    for (const peers of this.tunnels.values())
      for (const t of peers.values()) if (t.ok) t.since = at;
    this.evaluate();
  }

  tunnelsOf(instanceId: string): TunnelState[] {
    return [...(this.tunnels.get(instanceId)?.values() ?? [])];
  }

  isUp(t: TunnelState | undefined, now = this.now()): boolean {
    return t !== undefined && t.ok && t.upAt !== undefined && now >= t.upAt;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  // ---- evaluation ------------------------------------------------------------------------

  private isRunning(r: RouterRecord): boolean {
    return r.powered && this.options.state.getInstance(r.instanceId)?.state === 'running';
  }

  private context(): OracleContext {
    const { state, topology } = this.options;
    const holders = new Map<string, string | null>();
    const publicIps = new Map<string, string>();
    for (const a of state.addresses.values()) {
      holders.set(a.publicIp, a.instanceId ?? null);
      if (a.instanceId) publicIps.set(a.instanceId, a.publicIp);
    }
    const vpnTunnels = new Map<string, VpnTunnelView>();
    for (const c of state.vpnConnections.values()) {
      c.tunnels.forEach((t, i) => {
        vpnTunnels.set(t.outsideIp, {
          vpnConnectionId: c.vpnConnectionId,
          tunnelIndex: i,
          available: c.state === 'available',
          preSharedKey: t.preSharedKey,
          customerGatewayIp: state.customerGateways.get(c.customerGatewayId)?.ipAddress,
        });
      });
    }
    const oracleRouters = new Map<string, OracleRouter>();
    for (const r of this.routers.values()) {
      const inst = state.getInstance(r.instanceId);
      if (!inst) continue;
      oracleRouters.set(r.instanceId, {
        instanceId: r.instanceId,
        name: r.name,
        privateIp: inst.privateIp,
        up: this.isRunning(r),
        config: this.view(r.instanceId),
        forcedDown: r.forcedDown,
      });
    }
    return {
      router: (id) => oracleRouters.get(id),
      elasticIpHolder: (ip) => holders.get(ip),
      publicIpOf: (id) => publicIps.get(id),
      vpnTunnel: (ip) => vpnTunnels.get(ip),
      office: topology.office,
    };
  }

  private disruptedAt(instanceId: string, peer: string): number {
    const r = this.routers.get(instanceId);
    if (!r) return 0;
    return Math.max(r.ipsecRestartedAt, r.poweredSince, r.peerResetAt.get(peer) ?? 0);
  }

  /** Re-judge every tunnel and every VPC now, and arm the timer for the next establishment. */
  evaluate(): void {
    if (this.closed) return;
    const now = this.now();
    const ctx = this.context();
    for (const r of this.routers.values()) {
      const router = ctx.router(r.instanceId);
      const previous = this.tunnels.get(r.instanceId) ?? new Map<string, TunnelState>();
      const next = new Map<string, TunnelState>();
      for (const peer of this.view(r.instanceId).peers.values()) {
        const verdict = router
          ? checkTunnel(ctx, router, peer)
          : { ok: false, reason: 'instance is gone' };
        const before = previous.get(peer.name);
        const sameFar =
          before?.ok === true && JSON.stringify(before.far) === JSON.stringify(verdict.far);
        const since = verdict.ok
          ? sameFar && before.since !== undefined
            ? before.since
            : now
          : undefined;
        next.set(peer.name, {
          peer: peer.name,
          ok: verdict.ok,
          reason: verdict.reason,
          far: verdict.far,
          since,
        });
      }
      this.tunnels.set(r.instanceId, next);
    }
    // Establishment needs both ends: the later of the two sides' disruptions counts.
    let nextUp = Infinity;
    for (const [instanceId, peers] of this.tunnels) {
      for (const t of peers.values()) {
        if (!t.ok || t.since === undefined) {
          t.upAt = undefined;
          continue;
        }
        let start = Math.max(t.since, this.disruptedAt(instanceId, t.peer));
        if (t.far?.kind === 'router')
          start = Math.max(start, this.disruptedAt(t.far.instanceId, t.far.peer));
        t.upAt = start + this.tunnelUpMs;
        if (t.upAt > now) nextUp = Math.min(nextUp, t.upAt);
      }
    }
    this.recordForwarding(now);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (nextUp !== Infinity) {
      this.timer = setTimeout(() => this.evaluate(), Math.max(0, nextUp - now) + 1);
      this.timer.unref();
    }
    this.options.onEvaluate?.();
  }

  // ---- forwarding ------------------------------------------------------------------------

  /** The running router that a route table sends `cidr` to (longest prefix match), if any. */
  private routeTarget(routeTableId: string, cidr: string): RouterRecord | undefined {
    const { state } = this.options;
    const table = state.routeTable(routeTableId);
    const want = parseCidr(cidr);
    if (!table || !want) return undefined;
    let best: { prefix: number; eni?: string; instance?: string } | undefined;
    for (const route of table.routes) {
      const net = parseCidr(route.destination);
      if (
        !net ||
        net.prefix > want.prefix ||
        want.base < net.base ||
        want.base >= net.base + net.size
      )
        continue;
      if (!best || net.prefix > best.prefix)
        best = { prefix: net.prefix, eni: route.networkInterfaceId, instance: route.instanceId };
    }
    if (!best || (!best.eni && !best.instance)) return undefined;
    const instanceId =
      (best.eni ? state.getNetworkInterface(best.eni)?.instanceId : undefined) ?? best.instance;
    const router = instanceId ? this.routers.get(instanceId) : undefined;
    return router && this.isRunning(router) ? router : undefined;
  }

  private upFars(instanceId: string, now: number): FarEnd[] {
    return this.tunnelsOf(instanceId).flatMap((t) => (this.isUp(t, now) && t.far ? [t.far] : []));
  }

  private vpnConnectionsOn(vgwId: string): SimVpnConnection[] {
    return [...this.options.state.vpnConnections.values()].filter(
      (c) => c.vpnGatewayId === vgwId && c.state !== 'deleted' && c.state !== 'deleting',
    );
  }

  static vpcLabel(vpc: TopoVpc): string {
    return `${vpc.region}/${vpc.name}`;
  }

  private recordForwarding(now: number): void {
    const { topology } = this.options;
    const hubVpc = topology.vpcs.find((v) => v.reach.kind === 'hub');
    if (!hubVpc) return;
    const hubTable = hubVpc.routeTableId;
    const viaHub = (cidr: string, accept: (far: FarEnd) => boolean): boolean => {
      const hub = this.routeTarget(hubTable, cidr);
      return hub !== undefined && this.upFars(hub.instanceId, now).some(accept);
    };
    for (const vpc of topology.vpcs) {
      const reach = vpc.reach;
      if (reach.kind === 'hub') continue;
      const label = WorldModel.vpcLabel(vpc);
      if (reach.kind === 'spoke') {
        const spoke = this.routeTarget(vpc.routeTableId, hubVpc.cidr);
        this.timeline.record(
          label,
          spoke !== undefined &&
            viaHub(vpc.cidr, (f) => f.kind === 'router' && f.instanceId === spoke.instanceId),
          now,
        );
      } else {
        const conns = this.vpnConnectionsOn(reach.vgwId).map((c) => c.vpnConnectionId);
        // A VPC behind a VGW is part of the network once it has a VPN connection.
        if (conns.length === 0) continue;
        this.timeline.record(
          label,
          viaHub(vpc.cidr, (f) => f.kind === 'vpn' && conns.includes(f.vpnConnectionId)),
          now,
        );
      }
    }
    this.timeline.record(
      OFFICE_VPC,
      viaHub(topology.office.remotePrefix, (f) => f.kind === 'office'),
      now,
    );
  }

  // ---- what routers and AWS see ----------------------------------------------------------

  /** Plugged into `Ec2State.setTunnelStatusProvider`: a VGW tunnel is UP iff some router's SA to it is up. */
  tunnelStatus(conn: Readonly<SimVpnConnection>, tunnelIndex: number): TunnelStatusAnswer {
    const now = this.now();
    for (const [instanceId, peers] of this.tunnels) {
      for (const t of peers.values()) {
        if (
          t.far?.kind === 'vpn' &&
          t.far.vpnConnectionId === conn.vpnConnectionId &&
          t.far.tunnelIndex === tunnelIndex &&
          this.isUp(t, now)
        ) {
          return {
            status: 'UP',
            acceptedRouteCount: Math.max(1, this.view(instanceId).bgpNetworks.length),
          };
        }
      }
    }
    return 'DOWN';
  }

  liveStateFor(instanceId: string): RouterLiveState {
    const record = (): RouterRecord | undefined => this.routers.get(instanceId);
    const tunnel = (peer: string) => this.tunnels.get(instanceId)?.get(peer);
    return {
      ipsecSa: (peer) => {
        const t = tunnel(peer);
        const now = this.now();
        if (!this.isUp(t, now)) return { up: false };
        const up = Math.floor((now - (t?.upAt ?? now)) / 1000);
        // Plausible steady traffic: a few kB/s each way, growing with the SA's age.
        return {
          up: true,
          uptimeSeconds: up,
          bytesIn: up * 4096,
          bytesOut: up * 2048,
          packetsIn: up * 6,
          packetsOut: up * 4,
        };
      },
      wireguardPeer: (_iface, publicKey) => {
        const r = record();
        const activeSince = this.wireguardActive.get(publicKey);
        const holdsIp = [...this.options.state.addresses.values()].some(
          (a) => a.instanceId === instanceId,
        );
        if (!r || activeSince === undefined || !this.isRunning(r) || !holdsIp) return {};
        const now = this.now();
        // Keepalive every 25 s: the latest handshake is always less than two minutes old.
        const age = Math.floor((now - Math.max(activeSince, r.poweredSince)) / 1000);
        return {
          handshakeSecondsAgo: age % 110,
          endpoint: '198.18.0.1:51820',
          rxBytes: 1_000_000 + age * 900,
          txBytes: 250_000 + age * 300,
        };
      },
      bgpNeighbor: (address) => {
        const view = this.view(instanceId);
        if (view.neighbors.get(address)?.shutdown) return { state: 'Idle (Admin)' };
        const peer = peerCarryingNeighbor(view, address);
        const t = peer ? tunnel(peer.name) : undefined;
        const now = this.now();
        if (!t || !this.isUp(t, now)) return { state: 'Active' };
        const far = t.far;
        const received =
          far?.kind === 'router'
            ? this.view(far.instanceId).bgpNetworks.length
            : far?.kind === 'vpn'
              ? 1
              : 0;
        return {
          state: 'Established',
          upSeconds: Math.floor((now - (t.upAt ?? now)) / 1000),
          prefixesReceived: received,
          prefixesSent: view.bgpNetworks.length,
        };
      },
      loadavg: () => record()?.load ?? [0, 0, 0],
      uptimeSeconds: () => {
        const r = record();
        return r ? Math.max(0, Math.floor((this.now() - r.poweredSince) / 1000)) : 0;
      },
    };
  }
}

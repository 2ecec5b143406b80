/**
 * The world's judgement of which tunnels are up and which VPCs are forwarded, kept current
 * by events (EC2 transitions, Elastic IP moves, route changes, commits, resets) and by one
 * timer set to the next instant a tunnel finishes establishing. Each router's `live` state
 * and the VGW telemetry read from here.
 */
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
import {
  buildForwarding,
  findEndpoint,
  reachBetween,
  reaches,
  reachMatrix,
} from './reach/oracle.js';
import type { ReachAnswer, ReachMatrix } from './reach/oracle.js';
import type { Network, NetWireguardClient } from './reach/network.js';
import { readRouterConfig as readForwardingConfig } from './reach/router-config.js';
import type { RouterConfig } from './reach/router-config.js';
import { vgwRoutes, type Forwarding, type TraceFlow } from './reach/trace.js';
import { readWireguardClientFile } from './reach/wireguard-client-file.js';
import { routerIpRoutes } from './router-ip-routes.js';
import { renderOfficeConfig, renderSeededClientFile } from './render-far-sides.js';
import type { TopoVpc, Topology } from './topology-types.js';
import { worldNetwork, type SiteRecord } from './world-network.js';

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

export class WorldModel {
  readonly timeline: ForwardingTimeline;
  readonly routers = new Map<string, RouterRecord>();
  private readonly views = new Map<string, RouterConfigView>();
  private readonly tunnels = new Map<string, Map<string, TunnelState>>();
  private readonly wireguardActive = new Map<string, number>();
  private readonly sites = new Map<string, SiteRecord>();
  private readonly clients = new Map<string, NetWireguardClient>();
  private readonly parsed = new Map<string, RouterConfig>();
  private timer: NodeJS.Timeout | undefined;
  /** An evaluation asked for by `evaluateSoon` (it judges as of the first change it covers). */
  private soon: { immediate: NodeJS.Immediate } | undefined;
  /** The routing state of the last evaluation: what each router's `show ip route` prints. */
  private forwarding: Forwarding | undefined;
  private closed = false;
  /** Seeding: judging after each router added is wasted work, `settle` judges them all. */
  private seeding = false;
  private readonly now: () => number;
  tunnelUpMs: number;

  constructor(private readonly options: WorldModelOptions) {
    this.now = options.now ?? Date.now;
    this.tunnelUpMs = options.tunnelUpMs;
    this.timeline = new ForwardingTimeline(this.now);
    const { topology } = options;
    for (const p of topology.wireguard.peers) this.wireguardActive.set(p.publicKey, 0);
    this.sites.set('office', {
      name: 'office',
      label: 'office',
      publicIp: topology.office.remoteAddress,
      lan: topology.office.remotePrefix,
      lines: renderOfficeConfig(topology),
    });
    for (const p of topology.wireguard.peers)
      this.clients.set(
        p.name,
        readWireguardClientFile(p.name, renderSeededClientFile(topology, p.name)),
      );
  }

  // ---- far sides an operator installs ------------------------------------------------------

  /**
   * A site's router comes up running exactly `script` (flatnet's far-side script, as pasted),
   * on top of its uplink (`publicIp`) and its LAN. Replaces a site of the same name.
   */
  installSite(site: {
    name: string;
    publicIp: string;
    lan: string;
    script: string[];
    /** A second uplink (another line), for a backup tunnel: eth2. */
    backupIp?: string;
  }): void {
    const lan = site.lan.split('/');
    const [a, b, c, d] = (lan[0] ?? '').split('.').map(Number);
    if (lan.length !== 2 || d === undefined || [a, b, c, d].some((x) => !(x! >= 0 && x! < 256)))
      throw new RangeError(`lan must be an IPv4 prefix like 172.16.7.0/24 (got ${site.lan})`);
    for (const [key, ip] of [
      ['publicIp', site.publicIp],
      ['backupIp', site.backupIp],
    ] as const)
      if (ip !== undefined && !/^\d+\.\d+\.\d+\.\d+$/.test(ip))
        throw new RangeError(`${key} must be an IPv4 address (got ${ip})`);
    if (site.name === 'office' || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(site.name))
      throw new RangeError(`site name must be letters, digits, . _ - and not "office"`);
    this.sites.set(site.name, {
      name: site.name,
      label: `site/${site.name}`,
      publicIp: site.publicIp,
      ...(site.backupIp !== undefined ? { backupIp: site.backupIp } : {}),
      lan: site.lan,
      lines: [
        `set interfaces ethernet eth0 address '${site.publicIp}/24'`,
        `set interfaces ethernet eth1 address '${a}.${b}.${c}.${d! + 1}/${lan[1]}'`,
        ...(site.backupIp !== undefined
          ? [`set interfaces ethernet eth2 address '${site.backupIp}/24'`]
          : []),
        ...site.script,
      ],
    });
    this.evaluate();
  }

  removeSite(name: string): boolean {
    const gone = name !== 'office' && this.sites.delete(name);
    if (gone) this.evaluate();
    return gone;
  }

  /** A laptop runs exactly this wg-quick file (the one flatnet handed out). */
  installWireguardClient(name: string, file: string): void {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(name))
      throw new RangeError('client name must be letters, digits, . _ -');
    this.clients.set(name, readWireguardClientFile(name, file));
    this.evaluate();
  }

  siteAt(address: string): SiteRecord | undefined {
    for (const s of this.sites.values())
      if (s.publicIp === address || s.backupIp === address) return s;
    return undefined;
  }

  // ---- reachability ----------------------------------------------------------------------

  private parse(lines: readonly string[]): RouterConfig {
    const key = lines.join('\n');
    let c = this.parsed.get(key);
    if (!c) {
      if (this.parsed.size > 500) this.parsed.clear();
      c = readForwardingConfig(lines);
      this.parsed.set(key, c);
    }
    return c;
  }

  /** The world as the reachability oracle reads it, now. */
  network(now = this.now()): Network {
    return worldNetwork({
      state: this.options.state,
      topology: this.options.topology,
      routers: [...this.routers.values()].map((r) => ({
        instanceId: r.instanceId,
        name: r.name,
        up: this.isRunning(r),
        lines: r.readConfig(),
      })),
      tunnel: (instanceId, peer) => {
        const t = this.tunnels.get(instanceId)?.get(peer);
        const up = this.isUp(t, now);
        return {
          up,
          far: t?.far,
          reason: up ? 'up' : t?.ok ? 'establishing' : (t?.reason ?? 'no such peer'),
        };
      },
      sites: [...this.sites.values()],
      clients: [...this.clients.values()],
      parse: (lines) => this.parse(lines),
    });
  }

  /**
   * `from`/`to`: endpoint labels or addresses; `flow` the packet (a ping unless told). An error
   * when either names no endpoint.
   */
  reach(from: string, to: string, flow?: TraceFlow): ReachAnswer | { error: string } {
    const net = this.network();
    const a = findEndpoint(net, from);
    const b = findEndpoint(net, to);
    const known = net.endpoints.map((e) => e.label).join(', ');
    if (!a) return { error: `no endpoint ${from} (known: ${known})` };
    if (!b) return { error: `no endpoint ${to} (known: ${known})` };
    return reachBetween(buildForwarding(net), a, b, flow);
  }

  /** What VGW `vgwId` has learned now (BGP and static VPN routes): what it propagates. */
  vgwLearnedRoutes(vgwId: string): string[] {
    const f = (this.forwarding ??= buildForwarding(this.network()));
    const g = f.net.vgws.find((x) => x.vgwId === vgwId);
    return g ? [...new Set(vgwRoutes(f, g).map((r) => r.prefix.text))] : [];
  }

  reachMatrix(): ReachMatrix {
    return reachMatrix(buildForwarding(this.network()));
  }

  /**
   * The world is adding its seeded routers: nothing is judged until `settle`. Judging the
   * whole world after each of 500 routers took minutes (each judgement is linear in routers).
   */
  startSeeding(): void {
    this.seeding = true;
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
    this.seeding = false;
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
    if (this.soon) clearImmediate(this.soon.immediate);
    this.soon = undefined;
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
      site: (ip) => {
        const site = this.siteAt(ip);
        return site && site.name !== 'office' ? readRouterConfig(site.lines) : undefined;
      },
    };
  }

  private disruptedAt(instanceId: string, peer: string): number {
    const r = this.routers.get(instanceId);
    if (!r) return 0;
    return Math.max(r.ipsecRestartedAt, r.poweredSince, r.peerResetAt.get(peer) ?? 0);
  }

  /**
   * Re-judge once the current event-loop turn is done, as of now: EC2 changes answered in the
   * same turn (thirteen ReplaceRoutes sent together) are one instant, judged once. Judging each
   * on its own re-judges every path each time, and that CPU time, spent between the change
   * and its answer, used to be counted in the very outage being measured.
   */
  evaluateSoon(): void {
    if (this.closed || this.soon) return;
    const at = this.now();
    this.soon = {
      immediate: setImmediate(() => {
        this.soon = undefined;
        this.evaluate(at);
      }),
    };
  }

  /**
   * Re-judge every tunnel and every VPC as of `at` (now, or the instant of the changes an
   * `evaluateSoon` covers), and arm the timer for the next establishment.
   */
  evaluate(at?: number): void {
    if (this.closed || this.seeding) return;
    // A direct evaluation also covers the changes a pending `evaluateSoon` waited for.
    if (this.soon) clearImmediate(this.soon.immediate);
    this.soon = undefined;
    const wallNow = this.now();
    const now = at ?? wallNow;
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
      this.timer = setTimeout(() => this.evaluate(), Math.max(0, nextUp - wallNow) + 1);
      this.timer.unref();
    }
    this.options.onEvaluate?.();
  }

  // ---- forwarding ------------------------------------------------------------------------

  static vpcLabel(vpc: TopoVpc): string {
    return `${vpc.region}/${vpc.name}`;
  }

  /**
   * The paths between the hub VPC and every other endpoint, both ways (`hub → X` and
   * `X → hub`), each judged by the oracle forward and return. Every path of the flat network
   * crosses the hub, so these see every outage a runbook causes, at a fraction of the cost of
   * the whole matrix on each event (`GET /reach/matrix` has all pairs). Paths that stop
   * existing (a detached VPC) are forgotten.
   */
  private recordForwarding(now: number): void {
    const net = this.network(now);
    const f = buildForwarding(net);
    this.forwarding = f;
    const hub = net.endpoints.find(
      (e) => e.home.kind === 'vpc' && this.hubVpcId !== undefined && e.home.vpcId === this.hubVpcId,
    );
    const seen = new Set<string>();
    for (const a of net.endpoints)
      for (const b of net.endpoints) {
        if (a === b || (a !== hub && b !== hub)) continue;
        const path = `${a.label} → ${b.label}`;
        seen.add(path);
        this.timeline.record(path, reaches(f, a, b), now);
      }
    for (const p of this.timeline.tracked()) if (!seen.has(p)) this.timeline.forget(p, now);
  }

  private get hubVpcId(): string | undefined {
    return this.options.topology.vpcs.find((v) => v.reach.kind === 'hub')?.id;
  }

  // ---- what routers and AWS see ----------------------------------------------------------

  /**
   * Plugged into `Ec2State.setTunnelStatusProvider`: a VGW tunnel is UP iff some router's SA to it
   * is up.
   */
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
      ipRoutes: () => {
        const r = record();
        if (!r || !this.isRunning(r)) return [];
        const f = (this.forwarding ??= buildForwarding(this.network()));
        const now = this.now();
        return routerIpRoutes(f, instanceId, {
          router: () => Math.max(0, Math.floor((now - r.poweredSince) / 1000)),
          tunnel: (peer) => {
            const t = tunnel(peer);
            return t?.upAt !== undefined ? Math.floor((now - t.upAt) / 1000) : undefined;
          },
        });
      },
      loadavg: () => record()?.load ?? [0, 0, 0],
      uptimeSeconds: () => {
        const r = record();
        return r ? Math.max(0, Math.floor((this.now() - r.poweredSince) / 1000)) : 0;
      },
    };
  }
}

/**
 * The simulated network, running: the EC2 emulator seeded with the reference topology and one
 * VyOS SSH server per router, linked so that each follows the other (a stopped instance's
 * router refuses SSH, a launched VyattaBase instance gets a router, tunnels follow the
 * Elastic IP) and so that every VPC's forwarding is recorded on a timeline.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startEc2Emulator } from '../ec2/server.js';
import { Ec2State } from '../ec2/state.js';
import { defaultStartRouterServer } from './default-router-server.js';
import type { OutageSummary, TimelineSnapshot } from './forwarding-timeline.js';
import type { ReachAnswer, ReachMatrix } from './reach/oracle.js';
import type { TraceFlow } from './reach/trace.js';
import { generateSshKey } from './generate-ssh-key.js';
import { buildReferenceTopology } from './reference-topology.js';
import { renderRouterConfig } from './render-router-config.js';
import { seedEc2State } from './seed-ec2-state.js';
import type { RouterServerHandle, StartRouterServer } from './start-router-server.js';
import type { Topology } from './topology-types.js';
import { WorldTraffic, type TrafficAnswer } from './world-traffic.js';
import { WorldModel, type LoadAverages } from './world-model.js';
import { WorldRouters, type SimRouter, type SshEndpoint } from './world-routers.js';
import { writeInventoryFile } from './write-inventory.js';

export interface WorldOptions {
  /** More spokes for the scale benchmark (`spoke-extra-01`…). */
  extraSpokes?: number;
  /**
   * Round-trip time of the network between flatnet and every router (the SSH transport:
   * src/sim/vyos/wan-link.ts), so a TCP + SSH handshake and each exchange cost what they do.
   */
  sshLatencyMs?: number;
  ec2LatencyMs?: number;
  /** EC2 pending → running (and VyOS reboot) time. */
  bootMs?: number;
  /** How long a tunnel takes to re-establish once its conditions hold. Default 2000. */
  tunnelUpMs?: number;
  /** One commit-confirm minute. Default 60 000. */
  minuteMs?: number;
  /** Where the keys (and, by default, the inventory) go. */
  dir: string;
  /** Write the inventory here at start. */
  inventoryPath?: string;
  /** Seam for tests: how a router's SSH server is started. */
  startRouterServer?: StartRouterServer;
}

export interface World {
  readonly ec2Url: string;
  readonly state: Ec2State;
  readonly topology: Topology;
  readonly model: WorldModel;
  /** The bot's key: the path the inventory names and the public line every router authorizes. */
  readonly botKey: { privateKeyPath: string; publicKey: string };
  routers(): SimRouter[];
  /** A router by inventory name (the running instance wins) or by instance id. */
  router(nameOrInstanceId: string): SimRouter;
  sshEndpointOf(instanceId: string): SshEndpoint | undefined;
  /**
   * Production dials a router by its private IP; the simulator's routers all listen on
   * 127.0.0.1. Give this to the router driver in sim mode: it maps a private IP (or an
   * instance id) to the loopback endpoint and host key of the router answering there.
   */
  resolveSsh(privateIpOrInstanceId: string): SshEndpoint | undefined;
  setLoad(router: string, load: LoadAverages): void;
  setTunnelForced(router: string, peer: string, state: 'down' | 'up'): void;
  setWireguardActive(publicKey: string, active: boolean): void;
  /** `instance`: StopInstances / StartInstances; `power`: VyOS dies but EC2 says running. */
  setRouterDown(router: string, down: boolean, how?: 'instance' | 'power'): void;
  setSshLatency(ms: number): void;
  setEc2Latency(ms: number): void;
  timeline(): TimelineSnapshot;
  /** Outages since `sinceTs`, of the paths `only` accepts (default: every path). */
  outageMs(sinceTs?: number, only?: (path: string) => boolean): OutageSummary;
  /**
   * The paths (`A → B`) the reachability oracle found working once the world had settled:
   * what the reference topology routes before any runbook. Outage figures of a runbook are
   * measured on these (a path that never worked has no outage to measure).
   */
  readonly routedAtStart: ReadonlySet<string>;
  /** The oracle's verdict for one pair (endpoint labels or addresses). */
  reach(from: string, to: string, flow?: TraceFlow): ReachAnswer | { error: string };
  reachMatrix(): ReachMatrix;
  /**
   * Offered load from one endpoint to another (bit/s; 0 stops it), carried through the
   * routers' egress shapers on its path: what their `tc` counters then show.
   */
  offerTraffic(from: string, to: string, bits: number, flow?: TraceFlow): TrafficAnswer;
  traffic(): TrafficAnswer[];
  /** A site's router runs exactly this far-side script (as its operator pasted it). */
  installSite(site: { name: string; publicIp: string; lan: string; script: string[] }): void;
  removeSite(name: string): boolean;
  /** A laptop runs exactly this wg-quick client file. */
  installWireguardClient(name: string, file: string): void;
  resetTimeline(): void;
  writeInventory(path?: string): string;
  close(): Promise<void>;
}

export async function startWorld(options: WorldOptions): Promise<World> {
  const dir = resolve(options.dir);
  mkdirSync(join(dir, 'keys'), { recursive: true });
  const bot = generateSshKey();
  const privateKeyPath = join(dir, 'keys', 'flatnet_ed25519');
  writeFileSync(privateKeyPath, bot.privateKey, { mode: 0o600 });
  writeFileSync(`${privateKeyPath}.pub`, `${bot.publicKey} flatnet-sim\n`);

  const topology = buildReferenceTopology({
    extraSpokes: options.extraSpokes,
    botPublicKey: bot.publicKey,
  });
  const bootMs = options.bootMs ?? 1000;
  const state = new Ec2State({ bootMs, stopMs: Math.max(50, Math.round(bootMs / 2)) });
  state.latencyMs = options.ec2LatencyMs ?? 0;
  const seeded = seedEc2State(state, topology);
  // Traffic follows the routing: every time the world is judged again, its paths are too.
  const traffic: { world?: WorldTraffic } = {};
  const model = new WorldModel({
    state,
    topology,
    tunnelUpMs: options.tunnelUpMs ?? 2000,
    onEvaluate: () => traffic.world?.apply(),
  });
  state.setTunnelStatusProvider((conn, index) => model.tunnelStatus(conn, index));
  state.setVgwRoutesProvider((vgwId) => model.vgwLearnedRoutes(vgwId));

  const emulator = await startEc2Emulator({ state, host: '127.0.0.1', port: 0 });
  const routers = new WorldRouters({
    state,
    model,
    botPublicKey: bot.publicKey,
    startRouterServer: options.startRouterServer ?? defaultStartRouterServer,
    minuteMs: options.minuteMs ?? 60_000,
    rebootMs: bootMs,
    sshLatencyMs: options.sshLatencyMs ?? 0,
  });
  model.startSeeding();
  try {
    await Promise.all(
      topology.routers.map((r) =>
        routers.start(
          seeded.instances.get(r.name)!.instanceId,
          r.name,
          renderRouterConfig(topology, r.name, { vgwOutsideIps: seeded.vgwOutsideIps }),
          true,
        ),
      ),
    );
  } catch (err) {
    await routers.closeAll();
    await emulator.close();
    state.close();
    throw err;
  }
  routers.linkToEc2();
  const worldTraffic = new WorldTraffic(model, () =>
    routers.list().map((r) => ({
      instanceId: r.instanceId,
      name: r.name,
      offer: (iface, flows) => r.handle.router.shapers.offer(iface, flows),
    })),
  );
  traffic.world = worldTraffic;
  // The network has been up for a while when the world starts: no tunnel is "establishing".
  model.settle(Date.now() - 2 * 86_400_000);
  const routedAtStart = new Set(
    model.timeline.snapshot().paths.flatMap((p) => (p.forwarded ? [p.path] : [])),
  );

  const writeInventory = (path = options.inventoryPath ?? join(dir, 'flatnet.yml')): string =>
    writeInventoryFile(
      {
        topology,
        ec2Endpoint: emulator.url,
        privateKeyPath,
        routers: topology.routers.map((r) => {
          const sim = routers.byName(r.name, { seededOnly: true });
          return {
            name: r.name,
            instanceId: sim.instanceId,
            host: sim.host,
            port: sim.port,
            hostKey: sim.hostKey,
          };
        }),
      },
      path,
    );
  if (options.inventoryPath) writeInventory(options.inventoryPath);

  let closed = false;
  return {
    ec2Url: emulator.url,
    state,
    topology,
    model,
    botKey: { privateKeyPath, publicKey: bot.publicKey },
    routers: () => routers.list(),
    router: (name) => routers.byName(name),
    sshEndpointOf: (instanceId) => routers.endpointOf(instanceId),
    resolveSsh: (target) => routers.resolve(target),
    setLoad: (name, load) => {
      routers.byName(name).record.load = load;
    },
    setTunnelForced: (name, peer, forced) => {
      const r = routers.byName(name);
      if (forced === 'down') r.record.forcedDown.add(peer);
      else r.record.forcedDown.delete(peer);
      model.evaluate();
    },
    setWireguardActive: (publicKey, active) => model.setWireguardActive(publicKey, active),
    setRouterDown: (name, down, how = 'instance') =>
      routers.setDown(routers.byName(name), down, how),
    setSshLatency: (ms) => routers.setSshLatency(ms),
    setEc2Latency: (ms) => {
      state.latencyMs = ms;
    },
    timeline: () => model.timeline.snapshot(),
    outageMs: (since, only) => model.timeline.outageMs(since, only),
    routedAtStart,
    reach: (from, to, flow) => model.reach(from, to, flow),
    reachMatrix: () => model.reachMatrix(),
    offerTraffic: (from, to, bits, flow) => worldTraffic.offer(from, to, bits, flow),
    traffic: () => worldTraffic.list(),
    installSite: (site) => model.installSite(site),
    removeSite: (name) => model.removeSite(name),
    installWireguardClient: (name, file) => model.installWireguardClient(name, file),
    resetTimeline: () => model.timeline.reset(),
    writeInventory,
    close: async () => {
      if (closed) return;
      closed = true;
      model.close();
      routers.unlink();
      await routers.closeAll();
      await emulator.close();
      state.close();
    },
  };
}

export type { RouterServerHandle, SimRouter, SshEndpoint };

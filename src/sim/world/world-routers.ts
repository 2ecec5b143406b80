/**
 * One VyOS SSH server per EC2 instance that runs VyOS, kept in step with EC2: a stopped
 * instance's router is powered off (SSH refused), a started one boots again, and an instance
 * launched from a `VyattaBase` AMI gets a fresh router (base configuration, new host key).
 */
import type { Ec2State } from '../ec2/state.js';
import type { Ec2Events } from '../ec2/types.js';
import { generateSshKey } from './generate-ssh-key.js';
import { renderBaseConfig } from './render-router-config.js';
import type { RouterServerHandle, StartRouterServer } from './start-router-server.js';
import type { RouterRecord, WorldModel } from './world-model.js';

export interface SshEndpoint {
  host: string;
  port: number;
  /** `ssh-ed25519 AAAA…`: what the driver pins. */
  hostKey: string;
}

export interface SimRouter extends SshEndpoint {
  name: string;
  instanceId: string;
  /** Part of the reference topology (false: launched later, e.g. by a scale-up). */
  seeded: boolean;
  handle: RouterServerHandle;
  record: RouterRecord;
}

export interface WorldRoutersOptions {
  state: Ec2State;
  model: WorldModel;
  botPublicKey: string;
  startRouterServer: StartRouterServer;
  minuteMs: number;
  rebootMs: number;
  sshLatencyMs: number;
}

const CORES: Record<string, number> = {
  small: 2,
  medium: 2,
  large: 2,
  xlarge: 4,
  '2xlarge': 8,
  '4xlarge': 16,
};
const UP_FOR_MS = 14 * 86_400_000;

export class WorldRouters {
  private readonly routers = new Map<string, SimRouter>();
  private readonly spawning = new Map<string, Promise<SimRouter | undefined>>();
  private readonly listeners: { [K in keyof Ec2Events]?: (...args: Ec2Events[K]) => void } = {};
  private sshLatencyMs: number;
  private closing = false;

  constructor(private readonly o: WorldRoutersOptions) {
    this.sshLatencyMs = o.sshLatencyMs;
  }

  async start(
    instanceId: string,
    name: string,
    config: string[],
    seeded: boolean,
  ): Promise<SimRouter> {
    const inst = this.o.state.getInstance(instanceId);
    const hostKey = generateSshKey();
    const handle = await this.o.startRouterServer({
      name,
      hostName: seeded ? name : 'vyos',
      host: '127.0.0.1',
      port: 0,
      hostKey: hostKey.privateKey,
      authorizedKeys: [this.o.botPublicKey],
      baseConfig: config,
      version: '1.4',
      live: this.o.model.liveStateFor(instanceId),
      minuteMs: this.o.minuteMs,
      rebootMs: this.o.rebootMs,
      roundTripMs: this.sshLatencyMs,
      hardwareModel: inst?.type,
      cores: CORES[inst?.type.split('.')[1] ?? ''] ?? 2,
    });
    const router = handle.router;
    // The seeded network has been up for two weeks; a launched one boots now.
    if (seeded) router.bootedAt = Date.now() - UP_FOR_MS;
    const record: RouterRecord = {
      instanceId,
      name,
      readConfig: () => router.activeLines(),
      get powered() {
        return router.power === 'on';
      },
      get poweredSince() {
        return router.bootedAt;
      },
      ipsecRestartedAt: 0,
      peerResetAt: new Map(),
      forcedDown: new Set(),
      load: [0.12, 0.18, 0.15],
    };
    const sim: SimRouter = {
      name,
      instanceId,
      host: handle.host,
      port: handle.port,
      hostKey: hostKey.publicKey,
      seeded,
      handle,
      record,
    };
    const model = this.o.model;
    router.on('commit', () => model.configChanged(instanceId));
    router.on('boot', () => model.configChanged(instanceId));
    router.on('reboot', () => model.evaluate());
    router.on('power', () => model.evaluate());
    router.on('ipsec-restart', () => {
      record.ipsecRestartedAt = Date.now();
      model.evaluate();
    });
    router.on('ipsec-reset', (e: { peer?: string }) => {
      if (e.peer) record.peerResetAt.set(e.peer, Date.now());
      // A reset that names no peer (`reset vpn ipsec site-to-site all` told as one event) tears
      // every SA down, like a restart: they all re-establish after tunnelUpMs.
      else record.ipsecRestartedAt = Date.now();
      model.evaluate();
    });
    this.routers.set(instanceId, sim);
    model.addRouter(record);
    return sim;
  }

  /**
   * Follow EC2: instance transitions drive power, launches get routers, anything else re-evaluates.
   */
  linkToEc2(): void {
    const { state, model } = this.o;
    this.listeners['instance-state'] = (e) => {
      const sim = this.routers.get(e.instanceId);
      if (sim) this.followInstance(sim, e.to);
      else if (e.to === 'running' || e.to === 'pending') this.spawnFor(e.instanceId);
      model.evaluate();
    };
    this.listeners.request = (e) => {
      // RunInstances creates instances in `pending` without a transition event: start their
      // SSH servers now (powered off), so they answer the moment EC2 says running.
      if (e.action === 'RunInstances' && e.status === 200)
        for (const id of state.instances.keys()) if (!this.routers.has(id)) this.spawnFor(id);
    };
    // Judged once per event-loop turn (WorldModel.evaluateSoon), from the first change's instant.
    const evaluate = () => model.evaluateSoon();
    this.listeners['address-associated'] = evaluate;
    this.listeners['route-replaced'] = evaluate;
    this.listeners['route-created'] = evaluate;
    this.listeners['route-deleted'] = evaluate;
    this.listeners['interface-moved'] = evaluate;
    this.listeners['vpn-connection-created'] = evaluate;
    this.listeners['routing-changed'] = evaluate;
    for (const [event, fn] of Object.entries(this.listeners))
      state.on(event as keyof Ec2Events, fn as () => void);
  }

  unlink(): void {
    for (const [event, fn] of Object.entries(this.listeners))
      this.o.state.off(event as keyof Ec2Events, fn as () => void);
  }

  private followInstance(sim: SimRouter, to: string): void {
    const power = sim.handle.router.power;
    if (to === 'running') {
      if (power === 'off') sim.handle.powerOn();
    } else if (power !== 'off') {
      sim.handle.powerOff();
    }
  }

  private isVyattaInstance(instanceId: string): boolean {
    const inst = this.o.state.getInstance(instanceId);
    return inst !== undefined && this.o.state.images.get(inst.imageId)?.tags.Role === 'VyattaBase';
  }

  private spawnFor(instanceId: string): void {
    if (
      this.closing ||
      this.routers.has(instanceId) ||
      this.spawning.has(instanceId) ||
      !this.isVyattaInstance(instanceId)
    )
      return;
    const inst = this.o.state.getInstance(instanceId)!;
    const name = inst.tags.Name ?? instanceId;
    const job = this.start(instanceId, name, renderBaseConfig(this.o.botPublicKey), false)
      .then((sim) => {
        // EC2 may have moved on while the server was starting.
        this.followInstance(sim, this.o.state.getInstance(instanceId)?.state ?? 'terminated');
        this.o.model.evaluate();
        return sim;
      })
      .catch((err: unknown) => {
        process.emitWarning(
          `flatnet sim: could not start a router for ${instanceId}: ` +
            (err instanceof Error ? err.message : String(err)),
        );
        return undefined;
      })
      .finally(() => this.spawning.delete(instanceId));
    this.spawning.set(instanceId, job);
  }

  setDown(sim: SimRouter, down: boolean, how: 'instance' | 'power'): void {
    const { state } = this.o;
    const inst = state.getInstance(sim.instanceId);
    if (how === 'power' || !inst) {
      if (down) sim.handle.powerOff();
      else if (inst?.state === 'running') sim.handle.powerOn();
    } else if (down) {
      state.stopInstance(inst.region, inst.instanceId);
    } else {
      state.startInstance(inst.region, inst.instanceId);
    }
    this.o.model.evaluate();
  }

  setSshLatency(ms: number): void {
    this.sshLatencyMs = ms;
    for (const r of this.routers.values()) r.handle.router.setRoundTrip(ms);
  }

  list(): SimRouter[] {
    return [...this.routers.values()];
  }

  /** By instance id, else by name: the running instance wins, then the newest launch. */
  byName(nameOrId: string, opts: { seededOnly?: boolean } = {}): SimRouter {
    const direct = this.routers.get(nameOrId);
    if (direct) return direct;
    const rank = (r: SimRouter): number => {
      const inst = this.o.state.getInstance(r.instanceId);
      return (inst?.state === 'running' ? 1e15 : 0) + (inst?.launchTime.getTime() ?? 0);
    };
    const matches = this.list().filter(
      (r) => r.name === nameOrId && (!opts.seededOnly || r.seeded),
    );
    const best = matches.sort((a, b) => rank(b) - rank(a))[0];
    if (!best)
      throw new RangeError(
        `no router named ${nameOrId} in the simulator (known: ` +
          `${[...new Set(this.list().map((r) => r.name))].join(', ')})`,
      );
    return best;
  }

  endpointOf(instanceId: string): SshEndpoint | undefined {
    const r = this.routers.get(instanceId);
    return r && { host: r.host, port: r.port, hostKey: r.hostKey };
  }

  resolve(target: string): SshEndpoint | undefined {
    if (target.startsWith('i-')) return this.endpointOf(target);
    const candidates = this.list().filter(
      (r) => this.o.state.getInstance(r.instanceId)?.privateIp === target,
    );
    // Two instances never share a private IP while both exist in one subnet, but a stopped
    // one in another VPC might: prefer the running one.
    const running = candidates.find(
      (r) => this.o.state.getInstance(r.instanceId)?.state === 'running',
    );
    const r = running ?? candidates[0];
    return r && { host: r.host, port: r.port, hostKey: r.hostKey };
  }

  async closeAll(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.spawning.values()]);
    await Promise.allSettled(this.list().map((r) => r.handle.close()));
    this.routers.clear();
  }
}
